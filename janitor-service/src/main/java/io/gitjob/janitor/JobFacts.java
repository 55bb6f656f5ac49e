package io.gitjob.janitor;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.JobConventions;

/**
 * What the janitor needs to know of a Job, read once from the listing. A run holds these rather than the Jobs
 * themselves, so tens of thousands of leftovers fit in a small heap.
 *
 * @param gitRepo the GitRepo whose controller ownerReference the Job carries; empty when none
 * @param failedAt when the Job failed (its Failed condition), else when it started or was created; null unless failed
 * @param commit the commit annotation; null when absent
 */
public record JobFacts(String namespace, String name, String uid, Optional<GitRepoRef> gitRepo, State state,
        Instant createdAt, Instant failedAt, long generation, long forceSyncGeneration, String commit) {

    public enum State {
        /** Active, pending, or anything not known to have finished: never deleted while its GitRepo exists. */
        RUNNING,
        /** {@code status.succeeded >= 1} and a completion time, Fleet's own test. */
        SUCCEEDED,
        FAILED
    }

    public String path() {
        return namespace + "/" + name;
    }

    public static JobFacts of(Job job) {
        var meta = job.getMetadata();
        State state = stateOf(job);
        Instant created = instant(meta.getCreationTimestamp());
        Instant failedAt = null;
        if (state == State.FAILED) {
            failedAt = failedCondition(job.getStatus()).map(c -> instant(c.getLastTransitionTime())).orElse(null);
            if (failedAt == null) {
                failedAt = instant(job.getStatus().getStartTime());
            }
            if (failedAt == null) {
                failedAt = created;
            }
        }
        return new JobFacts(meta.getNamespace(), meta.getName(), meta.getUid(), owner(job), state, created, failedAt,
                JobConventions.number(meta.getLabels(), JobConventions.GITREPO_GENERATION_LABEL),
                JobConventions.number(meta.getLabels(), JobConventions.FORCE_SYNC_GENERATION_LABEL),
                meta.getAnnotations() == null ? null : meta.getAnnotations().get(JobConventions.COMMIT_ANNOTATION));
    }

    static State stateOf(Job job) {
        JobStatus status = job.getStatus();
        if (status == null) {
            return State.RUNNING;
        }
        if (positive(status.getSucceeded()) && status.getCompletionTime() != null) {
            return State.SUCCEEDED;
        }
        if (failedCondition(status).isPresent()) {
            return State.FAILED;
        }
        // Without the condition (an API server that has not written it yet): failed once the backoff limit is
        // used up and no Pod is left running. Fleet's Jobs have backoffLimit 0.
        Integer backoffLimit = job.getSpec() == null ? null : job.getSpec().getBackoffLimit();
        if (positive(status.getFailed()) && !positive(status.getActive()) && backoffLimit != null
                && status.getFailed() > backoffLimit) {
            return State.FAILED;
        }
        return State.RUNNING;
    }

    private static Optional<JobCondition> failedCondition(JobStatus status) {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream()
                .filter(c -> "Failed".equals(c.getType()) && "True".equalsIgnoreCase(c.getStatus())).findFirst();
    }

    private static Optional<GitRepoRef> owner(Job job) {
        if (job.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        try {
            return JobConventions.gitRepoOf(job);
        } catch (IllegalArgumentException | NullPointerException e) {
            // GitRepoRef refuses a missing or blank field. An ownerReference without a uid or name names no GitRepo the janitor could check: not its to delete.
            return Optional.empty();
        }
    }

    private static boolean positive(Integer value) {
        return value != null && value > 0;
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
