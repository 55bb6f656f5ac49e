package io.gitjob.job.decision;

import java.time.Instant;

import io.gitjob.events.GitJobEvent.TerminationCause;

/** Something job-service does to the cluster, decided by {@link JobDecisions} and carried out at the edge. */
public sealed interface Action {

    /** Create the Job that applies this state, and note the event it answers in the GitRepo status. */
    record CreateJob(String jobName, String commit, long generation, long forceSyncGeneration, Instant eventTime)
            implements Action {
    }

    /** Delete a running Job (background propagation) and publish job terminated. */
    record TerminateJob(JobView job, TerminationCause cause) implements Action {
    }

    /**
     * Publish job succeeded, mark the commit applied where the Job applied the GitRepo's current state, then
     * delete the Job with its Pods and publish job deleted.
     */
    record CompleteSucceededJob(JobView job, double durationSeconds, boolean markApplied) implements Action {
    }

    /** Publish job failed, keep the Job, mark it reported; show the failure in the status where it is current. */
    record ReportFailedJob(JobView job, boolean markStalled) implements Action {
    }
}
