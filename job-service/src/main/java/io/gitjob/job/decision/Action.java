package io.gitjob.job.decision;

import io.gitjob.events.GitJobEvent.TerminationCause;

/**
 * Something job-service does to the cluster, decided by {@link JobDecisions} and carried out at the edge. Every
 * action is safe to repeat: a crash between two of them, or a retry of all, ends in the same state.
 */
public sealed interface Action {

    /**
     * Create the Job that applies this state, publish job created, and record it in the status ({@code commit},
     * {@code observedGeneration}, {@code updateGeneration}, InProgress).
     */
    record CreateJob(String jobName, String commit, long generation, long forceSyncGeneration) implements Action {
    }

    /**
     * A Job for the wanted state exists but the status does not name it (a crash or a failed write after its
     * creation, or a create answered 409): publish its job created again (same event id) and record it.
     */
    record AdoptJob(JobView job) implements Action {
    }

    /** Delete a running Job (background propagation, on its uid) and publish job terminated. */
    record TerminateJob(JobView job, TerminationCause cause) implements Action {
    }

    /**
     * Publish job succeeded, record it as applied where {@code markApplied} (the Job applied the wanted state
     * or the one the status names), then delete the Job with its Pods and publish job deleted.
     */
    record CompleteSucceededJob(JobView job, double durationSeconds, boolean markApplied) implements Action {
    }

    /** Publish job failed, keep the Job, mark it reported; show the failure in the status where it is current. */
    record ReportFailedJob(JobView job, boolean markStalled) implements Action {
    }

    /**
     * Add {@code fleet.cattle.io/gitrepo-finalizer}, as Fleet's gitjob does to every GitRepo it manages: the
     * GitRepo then stays until its Bundles are purged ({@link ReleaseGitRepo}).
     */
    record AddFinalizer() implements Action {
    }

    /**
     * The GitRepo is being deleted and carries Fleet's finalizer: delete its Bundles and ImageScans, and its
     * target namespace where {@code deleteNamespace} asks (as Fleet), then remove the finalizer so the API server
     * lets it go. Bundles still on their way out make the executor come back later.
     */
    record ReleaseGitRepo() implements Action {
    }

    /** No Job can be made for the GitRepo as it is: say why in its {@code Accepted} condition (False). */
    record RefuseGitRepo(String message) implements Action {
    }
}
