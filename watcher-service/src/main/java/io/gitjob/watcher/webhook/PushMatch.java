package io.gitjob.watcher.webhook;

import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;

/**
 * Whether a push is for a GitRepo, by Fleet's rules: the same repository (whichever URL spelling,
 * {@link RepoUrls}), and, when the GitRepo names a {@code spec.branch}, that branch. A GitRepo without a branch
 * takes every push to its repository (a poll then resolves what it follows); one pinned to a
 * {@code spec.revision} takes none.
 */
public final class PushMatch {
    private PushMatch() {
    }

    public static boolean matches(Push push, GitRepoSpec spec) {
        if (spec == null || (spec.getRevision() != null && !spec.getRevision().isEmpty())) {
            return false;
        }
        String repo = RepoUrls.normalise(spec.getRepo());
        if (repo.isEmpty() || push.repoUrls().stream().map(RepoUrls::normalise).noneMatch(repo::equals)) {
            return false;
        }
        String branch = spec.getBranch();
        return branch == null || branch.isEmpty() || branch.equals(push.branch());
    }
}
