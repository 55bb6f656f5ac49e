package io.gitjob.events;

import java.util.List;

/**
 * The part of a GitRepo's spec that decides what a Job applies, as carried in events. Field names are
 * Fleet's, so an event reads like the GitRepo it came from; {@code repo} has any credentials written into the URL
 * removed ({@link UrlCredentials}).
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
        // Events and the compacted state topic outlive any Secret rotation: a URL never carries its credentials
        // here, however the spec was written (also when an older record is read back).
        // Interned: a service keeps the spec of every GitRepo it serves (the watcher's schedule, job-service's
        // events), and GitRepos share most of these values (a branch, an interval, paths, often the repo).
        repo = UrlCredentials.redact(repo).intern();
        branch = intern(branch);
        revision = intern(revision);
        // List.of keeps one or two paths in a list object of their own, a stream's list in that and an array.
        paths = paths == null ? List.of()
                : paths.stream().anyMatch(java.util.Objects::isNull) ? paths.stream().map(p -> p == null ? null
                        : p.intern()).toList()
                : List.of(paths.stream().map(String::intern).toArray(String[]::new));
        targetNamespace = intern(targetNamespace);
        clientSecretName = intern(clientSecretName);
        pollingInterval = intern(pollingInterval);
    }

    private static String intern(String value) {
        return value == null ? null : value.intern();
    }
}
