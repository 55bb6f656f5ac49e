package io.gitjob.watcher;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;

/**
 * A GitRepo as seen in the cluster, reduced to what the watcher compares and publishes.
 *
 * @throws InvalidGitRepoException from {@link #of} for a spec gitjob cannot act on
 */
public record Observed(GitRepoRef ref, long generation, long forceSyncGeneration, RepoSpec spec) {

    public static Observed of(GitRepo gitRepo) {
        return new Observed(GitRepoEventFactory.ref(gitRepo), GitRepoEventFactory.generation(gitRepo),
                GitRepoEventFactory.forceSync(gitRepo), GitRepoEventFactory.repoSpec(gitRepo));
    }

    public GitRepoKey key() {
        return ref.key();
    }
}
