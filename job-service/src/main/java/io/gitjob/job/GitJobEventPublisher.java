package io.gitjob.job;

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
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Where job-service produces {@code gitjob-events}; each send waits for the broker's acknowledgement. */
@ApplicationScoped
public class GitJobEventPublisher {

    @Inject
    @Channel("gitjob-events-out")
    MutinyEmitter<GitJobEvent> emitter;

    Clock clock = Clock.systemUTC();

    public void created(GitRepoRef gitRepo, long generation, long forceSync, String jobName, String commit) {
        send(new GitJobEvent.JobCreated(id(), clock.instant(), gitRepo, generation, forceSync, jobName, commit));
    }

    public void creationFailed(GitRepoRef gitRepo, long generation, long forceSync, String jobName, String commit,
            Throwable error) {
        send(new GitJobEvent.JobCreationFailed(id(), clock.instant(), gitRepo, generation, forceSync, jobName, commit,
                error.getClass().getName(), String.valueOf(error.getMessage())));
    }

    public void succeeded(JobView job, double durationSeconds) {
        send(new GitJobEvent.JobSucceeded(id(), clock.instant(), job.gitRepo(), job.generation(),
                job.forceSyncGeneration(), job.name(), commitOf(job), durationSeconds));
    }

    public void failed(JobView job, String terminationMessage) {
        send(new GitJobEvent.JobFailed(id(), clock.instant(), job.gitRepo(), job.generation(),
                job.forceSyncGeneration(), job.name(), commitOf(job), job.failureReason(), terminationMessage));
    }

    public void terminated(JobView job, TerminationCause cause) {
        send(new GitJobEvent.JobTerminated(id(), clock.instant(), job.gitRepo(), job.generation(),
                job.forceSyncGeneration(), job.name(), commitOf(job), cause));
    }

    public void deleted(JobView job, String reason) {
        send(new GitJobEvent.JobDeleted(id(), clock.instant(), job.gitRepo(), job.generation(),
                job.forceSyncGeneration(), job.name(), job.commit(), DeletedBy.JOB_SERVICE, reason));
    }

    private void send(GitJobEvent event) {
        emitter.sendMessageAndAwait(KafkaMessages.keyed(event));
    }

    /** A Job someone else labelled as ours may lack the annotation; events still need a commit. */
    private static String commitOf(JobView job) {
        return job.commit() == null ? "unknown" : job.commit();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
