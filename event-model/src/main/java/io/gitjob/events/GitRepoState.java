package io.gitjob.events;

import java.time.Instant;

/**
 * A value of the compacted topic {@code gitrepo-state}: the last spec and commit the watcher published for a
 * GitRepo. A restarted watcher compares the cluster with it to publish what it missed while down.
 *
 * @param commit null until a commit was first seen
 */
public record GitRepoState(GitRepoRef gitRepo, long generation, long forceSyncGeneration, RepoSpec spec,
        String commit, Instant updated) {
    public GitRepoState {
        Checks.required(gitRepo, "gitRepo");
        Checks.nonNegative(generation, "generation");
        Checks.nonNegative(forceSyncGeneration, "forceSyncGeneration");
        Checks.required(spec, "spec");
        Checks.required(updated, "updated");
    }
}
