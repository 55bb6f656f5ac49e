package io.gitjob.job.decision;

import java.time.Instant;

import io.gitjob.events.GitRepoRef;

/**
 * What job-service observes of a GitRepo when it decides: its identity and generations, and the status
 * job-service wrote last (what was applied, and the newest event it acted on).
 *
 * @param appliedCommit status.commit: the commit the last successful Job applied; null before the first
 * @param observedEventTime status.observedEventTime; null before the first Job
 */
public record GitRepoView(GitRepoRef ref, String repo, long generation, long forceSyncGeneration, boolean paused,
        boolean deleting, String appliedCommit, long observedGeneration, long updateGeneration, String gitJobStatus,
        Instant observedEventTime) {

    public static final String CURRENT = "Current";
    public static final String IN_PROGRESS = "InProgress";
    public static final String FAILED = "Failed";
}
