package io.gitjob.job;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitJobEvent.DeletedBy;
import io.gitjob.events.GitJobEvent.TerminationCause;
import io.gitjob.events.GitRepoRef;
import io.gitjob.job.decision.JobView;
import io.gitjob.support.KafkaMessages;
import io.gitjob.events.UrlCredentials;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where job-service produces {@code gitjob-events}; each send waits for the broker's acknowledgement, and a
 * send the broker does not take throws, so the reconciler retries the whole decision. Event ids are
 * deterministic: a transition of a Job published again (after a crash or a failed send) carries the same id
 * (from the Job's uid), so consumers drop the duplicate.
 */
@ApplicationScoped
public class GitJobEventPublisher {

    @Inject
    @Channel("gitjob-events-out")
    MutinyEmitter<GitJobEvent> emitter;

    /**
     * Decisions go to the same topic through a channel of their own with a bounded buffer: a burst of them (every
     * GitRepo's first decision after a restart or a rebalance) fills that buffer and is dropped there (recorded
     * the next time it is taken), never the Jobs' events behind it.
     */
    @Inject
    @Channel("gitjob-decisions-out")
    @org.eclipse.microprofile.reactive.messaging.OnOverflow(value = org.eclipse.microprofile.reactive.messaging
            .OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    MutinyEmitter<GitJobEvent> decisions;

    Clock clock = Clock.systemUTC();

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    public void created(GitRepoRef gitRepo, long generation, long forceSync, String jobName, String jobUid,
            String commit) {
        send(new GitJobEvent.JobCreated(id(jobUid, "created"), clock.instant(), gitRepo, generation, forceSync,
                jobName, commit));
    }

    /** Each refused create is its own occurrence (counted by the metrics): a random id. */
    public void creationFailed(GitRepoRef gitRepo, long generation, long forceSync, String jobName, String commit,
            Throwable error) {
        send(new GitJobEvent.JobCreationFailed(UUID.randomUUID().toString(), clock.instant(), gitRepo, generation,
                forceSync, jobName, commit, error.getClass().getName(),
                UrlCredentials.redact(String.valueOf(error.getMessage()))));
    }

    public void succeeded(JobView job, double durationSeconds) {
        send(new GitJobEvent.JobSucceeded(id(job.uid(), "succeeded"), clock.instant(), job.gitRepo(),
                job.generation(), job.forceSyncGeneration(), job.name(), commitOf(job), durationSeconds));
    }

    public void failed(JobView job, String terminationMessage) {
        send(new GitJobEvent.JobFailed(id(job.uid(), "failed"), clock.instant(), job.gitRepo(), job.generation(),
                job.forceSyncGeneration(), job.name(), commitOf(job), job.failureReason(),
                UrlCredentials.redact(terminationMessage)));
    }

    public void terminated(JobView job, TerminationCause cause) {
        send(new GitJobEvent.JobTerminated(id(job.uid(), "terminated"), clock.instant(), job.gitRepo(),
                job.generation(), job.forceSyncGeneration(), job.name(), commitOf(job), cause));
    }

    public void deleted(JobView job, String reason) {
        send(new GitJobEvent.JobDeleted(id(job.uid(), "deleted"), clock.instant(), job.gitRepo(), job.generation(),
                job.forceSyncGeneration(), job.name(), job.commit(), DeletedBy.JOB_SERVICE, reason));
    }

    /** Awaited: the next step (a status write, a delete) is made only once the broker holds the record. */
    private void send(GitJobEvent event) {
        long start = System.nanoTime();
        emitter.sendMessageAndAwait(KafkaMessages.keyed(event));
        registry.timer("gitjob.job.step", "step", "publish").record(System.nanoTime() - start,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * A decision is a record, not a step of the work: it never waits for the broker, and the reconcile never
     * fails for it. {@code notSent} runs when the broker did not take it.
     */
    public void decided(GitJobEvent.JobDecided event, Runnable notSent) {
        try {
            decisions.sendMessage(KafkaMessages.keyed(event)).subscribe().with(ok -> {
            }, failure -> notRecorded(event, failure, notSent));
        } catch (RuntimeException full) {
            notRecorded(event, full, notSent);
        }
    }

    private static void notRecorded(GitJobEvent.JobDecided event, Throwable why, Runnable notSent) {
        org.jboss.logging.Logger.getLogger(GitJobEventPublisher.class).debugf("Decision on %s not recorded: %s",
                event.key(), why.toString());
        notSent.run();
    }

    /** A Job someone else labelled as ours may lack the annotation; events still need a commit. */
    private static String commitOf(JobView job) {
        return job.commit() == null ? "unknown" : job.commit();
    }

    /** The id of one transition of one Job: the same every time it is published. */
    static String id(String jobUid, String transition) {
        if (jobUid == null || jobUid.isBlank()) {
            return UUID.randomUUID().toString();
        }
        return UUID.nameUUIDFromBytes(("gitjob:" + jobUid + ":" + transition).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
