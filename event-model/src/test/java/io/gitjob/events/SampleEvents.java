package io.gitjob.events;

import java.time.Instant;
import java.util.List;

import io.gitjob.events.GitJobEvent.DeletedBy;
import io.gitjob.events.GitJobEvent.TerminationCause;
import io.gitjob.events.GitRepoEvent.CommitSource;

/** One filled-in event of every type, with the optional fields set where {@code full}, null where not. */
final class SampleEvents {
    static final GitRepoRef REPO = new GitRepoRef("fleet-local", "simple", "4d7c9a80-1c1e-4f7e-9a51-0e1b4b1a2c3d");
    static final Instant TIME = Instant.parse("2026-11-23T08:30:15.123Z");
    static final RepoSpec SPEC = new RepoSpec("https://github.com/rancher/fleet-examples", "main", null,
            List.of("simple", "multi-cluster"), "apps", "git-auth", "15s", false, false, true);
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    static List<Event> all() {
        return List.of(
                new GitRepoEvent.Added("e1", TIME, REPO, 1, 0, SPEC, null),
                new GitRepoEvent.SpecChanged("e2", TIME, REPO, 2, 0, SPEC, 1, COMMIT),
                new GitRepoEvent.ForceSync("e3", TIME, REPO, 2, 1, SPEC, 0, COMMIT),
                new GitRepoEvent.Deleted("e4", TIME, REPO, 2, 1),
                new GitRepoEvent.CommitDetected("e5", TIME, REPO, 2, 1, SPEC.repo(), "main", COMMIT, null, 0.25,
                        CommitSource.POLL),
                new GitRepoEvent.CommitDetected("e5b", TIME, REPO, 2, 1, SPEC.repo(), null, COMMIT, "abc", 0.0,
                        CommitSource.WEBHOOK),
                new GitRepoEvent.CommitFetchFailed("e6", TIME, REPO, 2, 1, SPEC.repo(),
                        "org.eclipse.jgit.api.errors.TransportException", "connection refused", 1.5),
                new GitRepoEvent.HeadUnchanged("e6b", TIME, REPO, 2, 1, COMMIT, TIME.minusSeconds(60),
                        List.of(0.25, 0.5, 0.125)),
                new GitJobEvent.JobCreated("e7", TIME, REPO, 2, 1, "simple-9f3a2", COMMIT),
                new GitJobEvent.JobCreationFailed("e8", TIME, REPO, 2, 1, "simple-9f3a2", COMMIT,
                        "io.fabric8.kubernetes.client.KubernetesClientException", "Forbidden"),
                new GitJobEvent.JobSucceeded("e9", TIME, REPO, 2, 1, "simple-9f3a2", COMMIT, 42.5),
                new GitJobEvent.JobFailed("e10", TIME, REPO, 2, 1, "simple-9f3a2", COMMIT, "BackoffLimitExceeded",
                        "error: bad.yaml: mapping values are not allowed here"),
                new GitJobEvent.JobFailed("e10b", TIME, REPO, 2, 1, "simple-9f3a2", COMMIT, "DeadlineExceeded",
                        null),
                new GitJobEvent.JobTerminated("e11", TIME, REPO, 3, 1, "simple-9f3a2", COMMIT,
                        TerminationCause.SPEC_CHANGED),
                new GitJobEvent.JobDeleted("e12", TIME, REPO, 3, 1, "simple-9f3a2", COMMIT, DeletedBy.JANITOR,
                        "succeeded"),
                new GitJobEvent.JobDeleted("e12b", TIME, REPO, 3, 1, "simple-9f3a2", null, DeletedBy.JOB_SERVICE,
                        "orphan"),
                new GitJobEvent.JobDecided("e13", TIME, REPO, 3, 1, "simple-9f3a2", "gitrepo.commit-detected",
                        new GitJobEvent.SeenState(true, false, false, COMMIT, null, 2, 1, "Current", "fleet",
                                java.util.List.of(new GitJobEvent.SeenJob("simple-1a2b3", "c0", "Running"))),
                        java.util.List.of("terminate Job simple-1a2b3 (NEW_COMMIT)", "create Job simple-9f3a2"),
                        "Job simple-1a2b3 is replaced; wanted state: commit " + COMMIT, "done", false),
                new GitJobEvent.JobDecided("e13b", TIME, REPO, 3, 1, null, "resync",
                        new GitJobEvent.SeenState(true, true, false, null, null, 0, 0, null, "kubectl",
                                java.util.List.of()),
                        java.util.List.of(), "no commit known yet", "decided", true));
    }

    private SampleEvents() {
    }
}
