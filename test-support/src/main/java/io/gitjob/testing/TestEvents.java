package io.gitjob.testing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.RepoSpec;

/** Valid events for tests, each with a fresh id, so a test says only what matters to it. */
public final class TestEvents {
    private TestEvents() {
    }

    public static GitRepoRef gitRepo(String namespace, String name) {
        return new GitRepoRef(namespace, name, UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes()).toString());
    }

    public static RepoSpec spec(String repo) {
        return new RepoSpec(repo, "main", null, List.of(), null, null, null, false, false, false);
    }

    public static GitRepoEvent.CommitDetected commitDetected(GitRepoRef gitRepo, String commit) {
        return new GitRepoEvent.CommitDetected(id(), Instant.now(), gitRepo, 1, 0, "https://git.example/repo.git",
                "main", commit, null, 0.05, GitRepoEvent.CommitSource.POLL);
    }

    public static GitRepoEvent.Added added(GitRepoRef gitRepo) {
        return new GitRepoEvent.Added(id(), Instant.now(), gitRepo, 1, 0, spec("https://git.example/repo.git"), null);
    }

    public static String id() {
        return UUID.randomUUID().toString();
    }
}
