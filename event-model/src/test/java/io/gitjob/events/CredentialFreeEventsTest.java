package io.gitjob.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * No event carries credentials written into a URL, however it was made: built by a producer that forgot to redact,
 * or read back from a record an older producer wrote (topics are kept for days, the state topic for ever).
 */
class CredentialFreeEventsTest {

    private static final String TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    private static final GitRepoRef REPO = new GitRepoRef("fleet-local", "simple", "uid-1");
    private static final Instant TIME = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theSpecTheCommitAndTheFailureCarryTheUrlWithoutItsUserinfo() {
        RepoSpec spec = new RepoSpec("https://" + TOKEN + "@github.com/org/app.git", "main", null, null, null, null,
                null, false, false, false);
        assertEquals("https://***@github.com/org/app.git", spec.repo());

        var detected = new GitRepoEvent.CommitDetected("e1", TIME, REPO, 1, 0,
                "https://user:" + TOKEN + "@github.com/org/app.git", "main", "c0ffee", null, 0.2,
                GitRepoEvent.CommitSource.POLL);
        assertEquals("https://user:***@github.com/org/app.git", detected.repo());

        var failed = new GitRepoEvent.CommitFetchFailed("e2", TIME, REPO, 1, 0, spec.repo(), "TransportException",
                "https://" + TOKEN + "@github.com/org/app.git: not authorized", 0.3);
        assertEquals("https://***@github.com/org/app.git: not authorized", failed.errorMessage());

        var creationFailed = new GitJobEvent.JobCreationFailed("e3", TIME, REPO, 1, 0, "simple-1", "c0ffee",
                "KubernetesClientException", "Job is invalid: args[1]: https://" + TOKEN + "@github.com/org/app.git");
        assertFalse(creationFailed.errorMessage().contains(TOKEN), creationFailed.errorMessage());
        var jobFailed = new GitJobEvent.JobFailed("e4", TIME, REPO, 1, 0, "simple-1", "c0ffee", "BackoffLimitExceeded",
                "fatal: could not read from https://" + TOKEN + "@github.com/org/app.git");
        assertFalse(jobFailed.terminationMessage().contains(TOKEN), jobFailed.terminationMessage());
    }

    @Test
    void aRecordAnOlderProducerWroteWithTheTokenIsReadWithoutIt() {
        RepoSpec spec = new RepoSpec("https://github.com/org/app.git", "main", null, List.of(), null, null, null, false,
                false, false);
        String json = new String(EventCodec.encode(new GitRepoEvent.Added("e5", TIME, REPO, 1, 0, spec, null)),
                StandardCharsets.UTF_8).replace("https://github.com", "https://" + TOKEN + "@github.com");
        GitRepoEvent.Added read = EventCodec.decode(json.getBytes(StandardCharsets.UTF_8), GitRepoEvent.Added.class);
        assertEquals("https://***@github.com/org/app.git", read.spec().repo());

        GitRepoState state = new GitRepoState(REPO, 1, 0, spec, null, TIME);
        String stateJson = new String(EventCodec.encodeState(state), StandardCharsets.UTF_8)
                .replace("https://github.com", "https://" + TOKEN + "@github.com");
        assertEquals("https://***@github.com/org/app.git",
                EventCodec.decodeState(stateJson.getBytes(StandardCharsets.UTF_8)).spec().repo());
    }
}
