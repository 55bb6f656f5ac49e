package io.gitjob.gitrepo;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/**
 * Where a Job is in its life, by one rule for every service (job-service and the janitor must never disagree
 * on whether a Job failed: one would keep what the other deletes).
 */
public enum JobPhase {
    /** Active, pending, or anything not known to have finished. */
    RUNNING,
    /** {@code status.succeeded >= 1} and a completion time: Fleet's own test. */
    SUCCEEDED,
    /** A {@code Failed=True} condition, or the backoff limit used up with no Pod left running. */
    FAILED;

    public static JobPhase of(Job job) {
        JobStatus status = job.getStatus();
        if (status == null) {
            return RUNNING;
        }
        if (positive(status.getSucceeded()) && status.getCompletionTime() != null) {
            return SUCCEEDED;
        }
        if (failedCondition(job).isPresent()) {
            return FAILED;
        }
        // Without the condition (an API server that has not written it yet): failed once the backoff limit is
        // used up and no Pod is left running. gitjob's and Fleet's Jobs have backoffLimit 0.
        Integer backoffLimit = job.getSpec() == null ? null : job.getSpec().getBackoffLimit();
        if (positive(status.getFailed()) && !positive(status.getActive()) && backoffLimit != null
                && status.getFailed() > backoffLimit) {
            return FAILED;
        }
        return RUNNING;
    }

    /** The Job's {@code Failed=True} condition, with the reason and the time it failed. */
    public static Optional<JobCondition> failedCondition(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> "Failed".equals(c.getType()) && "True".equalsIgnoreCase(c.getStatus())).findFirst();
    }

    private static boolean positive(Integer value) {
        return value != null && value > 0;
    }
}
