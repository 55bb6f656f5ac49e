package io.gitjob.metrics;

import java.time.Instant;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.testing.TestEvents;

/** The events metrics-service records, with what a test cares about as parameters. */
final class Events {
    private Events() {
    }

    static GitJobEvent.JobCreated created(GitRepoRef gitRepo, String job) {
        return created(gitRepo, job, Instant.now());
    }

    static GitJobEvent.JobCreated created(GitRepoRef gitRepo, String job, Instant time) {
        return new GitJobEvent.JobCreated(TestEvents.id(), time, gitRepo, 1, 0, job, "c0ffee");
    }

    static GitJobEvent.JobCreationFailed creationFailed(GitRepoRef gitRepo, String job) {
        return new GitJobEvent.JobCreationFailed(TestEvents.id(), Instant.now(), gitRepo, 1, 0, job, "c0ffee",
                "KubernetesClientException", "forbidden");
    }

    static GitJobEvent.JobSucceeded succeeded(GitRepoRef gitRepo, String job, double seconds) {
        return succeeded(gitRepo, job, seconds, Instant.now());
    }

    static GitJobEvent.JobSucceeded succeeded(GitRepoRef gitRepo, String job, double seconds, Instant time) {
        return new GitJobEvent.JobSucceeded(TestEvents.id(), time, gitRepo, 1, 0, job, "c0ffee", seconds);
    }

    static GitJobEvent.JobFailed failed(GitRepoRef gitRepo, String job) {
        return new GitJobEvent.JobFailed(TestEvents.id(), Instant.now(), gitRepo, 1, 0, job, "c0ffee",
                "BackoffLimitExceeded", "exit 1");
    }

    static GitJobEvent.JobDeleted jobDeleted(GitRepoRef gitRepo, String job) {
        return new GitJobEvent.JobDeleted(TestEvents.id(), Instant.now(), gitRepo, 1, 0, job, "c0ffee",
                GitJobEvent.DeletedBy.JOB_SERVICE, "failed-replaced");
    }

    static GitRepoEvent.CommitDetected commit(GitRepoRef gitRepo, double fetchSeconds) {
        return commit(gitRepo, fetchSeconds, Instant.now());
    }

    static GitRepoEvent.CommitDetected commit(GitRepoRef gitRepo, double fetchSeconds, Instant time) {
        return new GitRepoEvent.CommitDetected(TestEvents.id(), time, gitRepo, 1, 0,
                "https://git.example/repo.git", "main", "c0ffee", null, fetchSeconds, GitRepoEvent.CommitSource.POLL);
    }

    static GitRepoEvent.HeadUnchanged headUnchanged(GitRepoRef gitRepo, Double... fetchSeconds) {
        Instant now = Instant.now();
        return new GitRepoEvent.HeadUnchanged(TestEvents.id(), now, gitRepo, 1, 0, "c0ffee", now.minusSeconds(60),
                java.util.List.of(fetchSeconds));
    }

    static GitRepoEvent.CommitFetchFailed fetchFailed(GitRepoRef gitRepo) {
        return new GitRepoEvent.CommitFetchFailed(TestEvents.id(), Instant.now(), gitRepo, 1, 0,
                "https://git.example/repo.git", "TransportException", "connection refused", 1.5);
    }

    static GitRepoEvent.Deleted deleted(GitRepoRef gitRepo) {
        return deleted(gitRepo, Instant.now());
    }

    static GitRepoEvent.Deleted deleted(GitRepoRef gitRepo, Instant time) {
        return new GitRepoEvent.Deleted(TestEvents.id(), time, gitRepo, 1, 0);
    }
}
