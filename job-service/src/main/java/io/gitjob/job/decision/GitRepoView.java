package io.gitjob.job.decision;

import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.JobMode;

/**
 * What job-service observes of a GitRepo when it decides: its identity and generations, the commit it wants
 * applied, and the status job-service wrote last (Fleet's fields, with Fleet's meaning).
 *
 * @param wantedCommit status.pollingCommit: the branch head the watcher resolved last; null before the first,
 *        and null while it was resolved from a repo, branch or revision the spec no longer names
 *        ({@link io.gitjob.gitrepo.PolledSource})
 * @param commit status.commit: the commit of the current Job (set when it is created), applied once
 *        {@code gitJobStatus} is Current; null before the first Job
 * @param observedGeneration status.observedGeneration: the generation the current Job applies
 * @param updateGeneration status.updateGeneration: the forceSyncGeneration the current Job applies
 * @param mode what its Jobs do; null when it cannot be told ({@code modeProblem} says why)
 * @param modeProblem why no Job can be made for it (an unknown {@code gitjob.io/job-mode}), or null
 * @param notAccepted the message of its {@code Accepted=False} condition as written last, or null
 * @param fleetFinalizer it carries {@code fleet.cattle.io/gitrepo-finalizer} (added by gitjob or by Fleet)
 */
public record GitRepoView(GitRepoRef ref, String repo, long generation, long forceSyncGeneration, boolean paused,
        boolean deleting, String wantedCommit, String commit, long observedGeneration, long updateGeneration,
        String gitJobStatus, JobMode mode, String modeProblem, String notAccepted, boolean fleetFinalizer) {

    /** A standalone GitRepo (kubectl mode, no finalizer, accepted): the rules every mode shares. */
    public GitRepoView(GitRepoRef ref, String repo, long generation, long forceSyncGeneration, boolean paused,
            boolean deleting, String wantedCommit, String commit, long observedGeneration, long updateGeneration,
            String gitJobStatus) {
        this(ref, repo, generation, forceSyncGeneration, paused, deleting, wantedCommit, commit, observedGeneration,
                updateGeneration, gitJobStatus, JobMode.KUBECTL, null, null, false);
    }

    public static final String CURRENT = "Current";
    public static final String IN_PROGRESS = "InProgress";
    public static final String FAILED = "Failed";

    /** Whether the status names this Job's state as the GitRepo's current one. */
    public boolean statusNames(JobView job) {
        return job.commit() != null && job.commit().equals(commit) && job.generation() == observedGeneration
                && job.forceSyncGeneration() == updateGeneration;
    }
}
