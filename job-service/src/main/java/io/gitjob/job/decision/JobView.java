package io.gitjob.job.decision;

import java.time.Instant;

import io.gitjob.events.GitRepoRef;

/**
 * What job-service observes of one of its Jobs.
 *
 * @param gitRepo the owning GitRepo, from the Job's controller ownerReference
 * @param commit the {@code commit} annotation; null on a Job that has none
 * @param failureReported the Job carries gitjob's mark that its failure was already published
 * @param deleting the Job has a deletion timestamp: it is on its way out
 */
public record JobView(String name, GitRepoRef gitRepo, String commit, long generation, long forceSyncGeneration,
        Phase phase, Instant startTime, Instant completionTime, String failureReason, boolean failureReported,
        boolean deleting, Instant created) {

    public enum Phase {
        RUNNING, SUCCEEDED, FAILED
    }

    public boolean running() {
        return phase == Phase.RUNNING && !deleting;
    }
}
