package io.gitjob.watcher.webhook;

import io.gitjob.events.RepoSpec;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;

/**
 * Whether a push is for a GitRepo: the same repository (whichever URL spelling) and the branch it follows
 * (its {@code spec.branch}, else the repository's default branch). A GitRepo pinned to a revision follows no
 * branch, so no push is for it.
 */
public final class PushMatch {
    private PushMatch() {
    }

    public static boolean matches(Push push, RepoSpec spec) {
        if (spec.revision() != null && !spec.revision().isBlank()) {
            return false;
        }
        String repo = RepoUrls.normalise(spec.repo());
        if (push.repoUrls().stream().map(RepoUrls::normalise).noneMatch(repo::equals)) {
            return false;
        }
        String branch = spec.branch() == null || spec.branch().isBlank() ? push.defaultBranch() : spec.branch();
        return push.branch().equals(branch);
    }
}
