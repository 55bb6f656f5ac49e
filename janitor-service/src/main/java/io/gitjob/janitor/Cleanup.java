package io.gitjob.janitor;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.gitrepo.Shard;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.janitor.CleanupDecision.DeleteReason;
import io.gitjob.janitor.CleanupDecision.KeepReason;
import io.gitjob.janitor.CleanupDecision.Verdict;
import io.gitjob.janitor.RunSummary.Deletion;
import io.gitjob.janitor.RunSummary.Result;

/**
 * One cleanup run, without the framework: list, decide ({@link CleanupDecision}), delete at a capped rate,
 * publish each deletion. The Quarkus bean {@link CleanupRun} and the benchmark both drive this class.
 *
 * <p>
 * Everything is listed before anything is deleted: a run at 50 deletes a second over tens of thousands of
 * Jobs outlasts the life of a continue token (the API server compacts after about 5 minutes), the newest
 * failed Job of a GitRepo is known only once all its Jobs are seen, and a decision on a snapshot is one the
 * dry run reports exactly.
 */
public final class Cleanup {

    private static final Logger LOG = Logger.getLogger(Cleanup.class);

    /** Where job-deleted events go; throws when the event could not be published. */
    @FunctionalInterface
    public interface Publisher {
        void publish(GitJobEvent.JobDeleted event);
    }

    private final KubernetesClient client;
    private final Publisher publisher;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final RateLimiter.Sleeper sleeper;
    private BooleanSupplier stopRequested = () -> false;
    private Shard shard = Shard.defaultShard();
    private Consumer<DeleteReason> onDeleted = reason -> {
    };

    public Cleanup(KubernetesClient client, Publisher publisher, Clock clock, LongSupplier nanoTime,
            RateLimiter.Sleeper sleeper) {
        this.client = client;
        this.publisher = publisher;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    public Cleanup(KubernetesClient client, Publisher publisher) {
        this(client, publisher, Clock.systemUTC(), System::nanoTime, RateLimiter.THREAD_SLEEPER);
    }

    /** Checked before each deletion: when it answers true the run ends after the deletion in hand. */
    public Cleanup stopWhen(BooleanSupplier stop) {
        this.stopRequested = stop;
        return this;
    }

    /**
     * Only the Jobs of this installation's shard ({@code gitjob.shard-id}): another installation's janitor, with
     * its own settings, cleans its own. Default: the default shard.
     */
    public Cleanup inShard(Shard shard) {
        this.shard = shard;
        return this;
    }

    /** Told of each Job actually deleted (not in a dry run), e.g. to count it. */
    public Cleanup onDeleted(Consumer<DeleteReason> listener) {
        this.onDeleted = listener;
        return this;
    }

    public RunSummary run(JanitorSettings settings) {
        long start = nanoTime.getAsLong();
        JobLister lister = new JobLister(client, settings.batchSize(), shard);
        JobLister.Listing listing;
        JobLister.GitRepos gitRepos;
        try {
            // Jobs before GitRepos: a GitRepo created between the two listings then cannot make its first Job
            // look like an orphan, and one deleted in between makes its Jobs orphans, which they are.
            listing = lister.managedJobs(settings.includeFleetJobs());
            gitRepos = lister.gitRepos();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Janitor run could not list Jobs or GitRepos; nothing deleted: %s", e.getMessage());
            return new RunSummary(Result.FAILED, settings.dryRun(), 0, 0, RunSummary.noDeletions(),
                    RunSummary.noneKept(), 0, 1, elapsed(start), List.of());
        }

        List<Verdict> verdicts = CleanupDecision.decideAll(listing.jobs(), gitRepos.uids(), clock.instant(),
                settings.succeededGrace(), settings.failedRetention());
        Map<KeepReason, Integer> kept = RunSummary.noneKept();
        List<Verdict> due = new ArrayList<>();
        for (Verdict verdict : verdicts) {
            if (verdict.deletes()) {
                due.add(verdict);
            } else {
                kept.merge(verdict.keep(), 1, Integer::sum);
            }
        }

        RateLimiter limiter = new RateLimiter(settings.maxDeletesPerSecond(), nanoTime, sleeper);
        JobDeletion deletion = new JobDeletion(client);
        Map<DeleteReason, Integer> deleted = RunSummary.noDeletions();
        List<Deletion> deletions = new ArrayList<>();
        int alreadyGone = 0;
        int errors = 0;
        Result result = null;
        for (int i = 0; i < due.size(); i++) {
            Verdict verdict = due.get(i);
            JobFacts job = verdict.job();
            if (stopRequested.getAsBoolean()) {
                result = Result.INTERRUPTED;
                LOG.warnf("Janitor run stopped on request with %d Job(s) still due", due.size() - i);
                break;
            }
            if (settings.dryRun()) {
                LOG.infof("Dry run: would delete Job %s (%s)", job.path(), verdict.reason());
                deleted.merge(verdict.delete(), 1, Integer::sum);
                deletions.add(new Deletion(job.path(), verdict.delete()));
                continue;
            }
            try {
                limiter.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = Result.INTERRUPTED;
                break;
            }
            try {
                JobDeletion.Outcome outcome = deletion.delete(job);
                if (outcome != JobDeletion.Outcome.DELETED) {
                    // Either way the Job that was listed and judged no longer exists: nothing left to do.
                    alreadyGone++;
                    LOG.debugf(outcome == JobDeletion.Outcome.REPLACED
                            ? "Job %s was deleted and re-created meanwhile (uid %s is gone): left alone"
                            : "Job %s was already gone (uid %s)", job.path(), job.uid());
                    continue;
                }
            } catch (RuntimeException e) {
                errors++;
                LOG.warnf("Could not delete Job %s (%s): %s", job.path(), verdict.reason(), e.getMessage());
                continue;
            }
            deleted.merge(verdict.delete(), 1, Integer::sum);
            deletions.add(new Deletion(job.path(), verdict.delete()));
            onDeleted.accept(verdict.delete());
            LOG.debugf("Deleted Job %s (%s)", job.path(), verdict.reason());
            try {
                publisher.publish(deletedEvent(job, verdict.delete()));
            } catch (RuntimeException e) {
                // Kafka is not taking events: deleting on would delete Jobs nobody hears of, each after a
                // publish timeout. Stop; the next run deletes the rest.
                errors++;
                LOG.errorf("Deleted Job %s but could not publish the event (%s): stopping this run",
                        job.path(), e.getMessage());
                result = Result.ERRORS;
                break;
            }
        }
        if (result == null) {
            result = errors == 0 ? Result.SUCCESS : Result.ERRORS;
        }
        return new RunSummary(result, settings.dryRun(), listing.jobs().size(),
                listing.listCalls() + gitRepos.listCalls(), deleted, kept, alreadyGone, errors, elapsed(start),
                deletions);
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(nanoTime.getAsLong() - start);
    }

    GitJobEvent.JobDeleted deletedEvent(JobFacts job, DeleteReason reason) {
        GitRepoRef gitRepo = job.gitRepo().orElseThrow();
        return new GitJobEvent.JobDeleted(UUID.randomUUID().toString(), clock.instant(), gitRepo, job.generation(),
                job.forceSyncGeneration(), job.name(), job.commit(), GitJobEvent.DeletedBy.JANITOR, reason.label);
    }
}
