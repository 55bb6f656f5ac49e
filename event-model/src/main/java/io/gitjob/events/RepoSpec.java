package io.gitjob.events;

import java.util.List;

/**
 * The part of a GitRepo's spec that decides what a Job applies, as carried in events. Field names are
 * Fleet's, so an event reads like the GitRepo it came from.
 *
 * @param pollingInterval as written in the GitRepo (a Go duration such as {@code 15s}); null for the default
 */
public record RepoSpec(
        String repo,
        String branch,
        String revision,
        List<String> paths,
        String targetNamespace,
        String clientSecretName,
        String pollingInterval,
        boolean disablePolling,
        boolean paused,
        boolean keepResources) {

    public RepoSpec {
        Checks.nonBlank(repo, "spec.repo");
        paths = paths == null ? List.of() : List.copyOf(paths);
    }
}
