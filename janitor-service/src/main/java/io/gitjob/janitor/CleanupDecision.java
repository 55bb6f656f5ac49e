package io.gitjob.janitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.gitjob.gitrepo.JobPhase;

/**
 * Which Jobs a run deletes, and why: a pure function of what was listed, which GitRepos exist, and the time.
 * The order of the rules is the design: a Job no GitRepo owns is never touched; an orphan goes whatever its
 * state; a succeeded Job stays for the grace period, in which job-service records its success and deletes it
 * itself; a running Job of an existing GitRepo always stays; the newest failed Job of a GitRepo always stays.
 */
public final class CleanupDecision {

    /** Why a Job is deleted: the {@code reason} of the job-deleted event and of the deleted-jobs metric. */
    public enum DeleteReason {
        SUCCEEDED("succeeded"), ORPHAN("orphan"), FAILED_RETENTION("failed-retention");

        public final String label;

        DeleteReason(String label) {
            this.label = label;
        }
    }

    /** Why a Job stays, as the summary line counts it. */
    public enum KeepReason {
        NOT_OWNED_BY_GITREPO("not-owned"), SUCCEEDED_WITHIN_GRACE("succeeded-recent"), RUNNING("running"),
        FAILED_NO_RETENTION("failed"),
        NEWEST_FAILED("newest-failed"), FAILED_WITHIN_RETENTION("failed-recent");

        public final String label;

        KeepReason(String label) {
            this.label = label;
        }
    }

    /** Delete (with a {@link DeleteReason}) or keep (with a {@link KeepReason}); exactly one is set. */
    public record Verdict(JobFacts job, DeleteReason delete, KeepReason keep) {
        public static Verdict delete(JobFacts job, DeleteReason reason) {
            return new Verdict(job, reason, null);
        }

        public static Verdict keep(JobFacts job, KeepReason reason) {
            return new Verdict(job, null, reason);
        }

        public boolean deletes() {
            return delete != null;
        }

        public String reason() {
            return deletes() ? delete.label : keep.label;
        }
    }

    private CleanupDecision() {
    }

    /**
     * The verdict on one Job.
     *
     * @param gitRepoExists whether a GitRepo with the uid of the Job's owner exists
     * @param newestFailedOfItsGitRepo whether this is the newest failed Job of its GitRepo
     * @param succeededGrace how long a succeeded Job is left to job-service after its completion time
     */
    public static Verdict decide(JobFacts job, boolean gitRepoExists, boolean newestFailedOfItsGitRepo, Instant now,
            Duration succeededGrace, Optional<Duration> failedRetention) {
        if (job.gitRepo().isEmpty()) {
            return Verdict.keep(job, KeepReason.NOT_OWNED_BY_GITREPO);
        }
        if (!gitRepoExists) {
            // No grace: job-service records a success on its GitRepo (status, event), and there is none left.
            return Verdict.delete(job, DeleteReason.ORPHAN);
        }
        switch (job.phase()) {
            case SUCCEEDED:
                // job-service records the success, then deletes the Job itself; deleting it first would lose a
                // success nobody recorded (job-service down) and leave the GitRepo InProgress. A completion
                // time that cannot be read cannot be waited on: the Job would stay forever.
                if (job.completedAt() != null && now.isBefore(job.completedAt().plus(succeededGrace))) {
                    return Verdict.keep(job, KeepReason.SUCCEEDED_WITHIN_GRACE);
                }
                return Verdict.delete(job, DeleteReason.SUCCEEDED);
            case RUNNING:
                return Verdict.keep(job, KeepReason.RUNNING);
            case FAILED:
            default:
                if (failedRetention.isEmpty()) {
                    return Verdict.keep(job, KeepReason.FAILED_NO_RETENTION);
                }
                if (newestFailedOfItsGitRepo) {
                    return Verdict.keep(job, KeepReason.NEWEST_FAILED);
                }
                if (job.failedAt() != null && job.failedAt().plus(failedRetention.get()).isBefore(now)) {
                    return Verdict.delete(job, DeleteReason.FAILED_RETENTION);
                }
                return Verdict.keep(job, KeepReason.FAILED_WITHIN_RETENTION);
        }
    }

    /** The verdicts on every listed Job, in listing order. */
    public static List<Verdict> decideAll(List<JobFacts> jobs, Set<String> existingGitRepoUids, Instant now,
            Duration succeededGrace, Optional<Duration> failedRetention) {
        Map<String, JobFacts> newestFailed = newestFailedByGitRepo(jobs);
        List<Verdict> verdicts = new ArrayList<>(jobs.size());
        for (JobFacts job : jobs) {
            String ownerUid = job.gitRepo().map(g -> g.uid()).orElse(null);
            boolean exists = ownerUid != null && existingGitRepoUids.contains(ownerUid);
            boolean newest = ownerUid != null && newestFailed.get(ownerUid) == job;
            verdicts.add(decide(job, exists, newest, now, succeededGrace, failedRetention));
        }
        return verdicts;
    }

    /** Newest by failure time; ties (same second) go to the later creation, then the greater name, so it is stable. */
    static final Comparator<JobFacts> FAILED_ORDER = Comparator
            .comparing(JobFacts::failedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(JobFacts::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(JobFacts::namespace).thenComparing(JobFacts::name);

    /** The newest failed Job of each GitRepo, by the GitRepo's uid. */
    static Map<String, JobFacts> newestFailedByGitRepo(List<JobFacts> jobs) {
        Map<String, JobFacts> newest = new HashMap<>();
        for (JobFacts job : jobs) {
            if (job.phase() == JobPhase.FAILED && job.gitRepo().isPresent()) {
                newest.merge(job.gitRepo().get().uid(), job,
                        (a, b) -> FAILED_ORDER.compare(a, b) >= 0 ? a : b);
            }
        }
        return newest;
    }
}
