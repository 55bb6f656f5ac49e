package io.gitjob.watcher.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.SymbolicRef;
import org.junit.jupiter.api.Test;

import io.gitjob.events.RepoSpec;

class PollScheduleTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration DEFAULT = Duration.ofSeconds(15);

    @Test
    void theIntervalPlusUpToTenPercentJitter() {
        assertEquals(NOW.plusSeconds(15), PollSchedule.nextDue(NOW, spec(null, false), DEFAULT, 0).get());
        assertEquals(NOW.plusMillis(16_500), PollSchedule.nextDue(NOW, spec(null, false), DEFAULT, 1.0).get());
        assertEquals(NOW.plusSeconds(90).plusMillis(4_500),
                PollSchedule.nextDue(NOW, spec("1m30s", false), DEFAULT, 0.5).get());
    }

    @Test
    void disabledPollingHasNoNextPoll() {
        assertEquals(Optional.empty(), PollSchedule.nextDue(NOW, spec("1s", true), DEFAULT, 0.5));
    }

    @Test
    void goDurationsAndTheirFallback() {
        assertEquals(Duration.ofMillis(500), PollSchedule.interval("500ms", DEFAULT));
        assertEquals(Duration.ofHours(1).plusMinutes(2).plusSeconds(3), PollSchedule.interval("1h2m3s", DEFAULT));
        assertEquals(Duration.ofMillis(1500), PollSchedule.interval("1.5s", DEFAULT));
        assertEquals(DEFAULT, PollSchedule.interval("soon", DEFAULT));
        assertEquals(DEFAULT, PollSchedule.interval("0s", DEFAULT), "zero would poll in a loop");
        assertEquals(DEFAULT, PollSchedule.interval("15 s", DEFAULT));
        assertEquals(DEFAULT, PollSchedule.interval(null, DEFAULT));
    }

    @Test
    void aHeadIsNewsOnlyWhenItDiffersFromTheKnownCommit() {
        assertEquals(CommitChange.Outcome.DETECTED, CommitChange.decide(null, "abc"));
        assertEquals(CommitChange.Outcome.DETECTED, CommitChange.decide("abc", "def"));
        assertEquals(CommitChange.Outcome.UNCHANGED, CommitChange.decide("abc", "ABC"));
    }

    @Test
    void statusIsWrittenOnChangeAndOtherwiseOncePerRefresh() {
        var refresh = Duration.ofMinutes(5);
        var written = new StatusWrites.Written(true, "ok", NOW);
        assertTrue(StatusWrites.due(null, true, "ok", false, NOW, refresh));
        assertFalse(StatusWrites.due(written, true, "ok", false, NOW.plusSeconds(60), refresh));
        assertTrue(StatusWrites.due(written, false, "ok", false, NOW.plusSeconds(1), refresh));
        assertTrue(StatusWrites.due(written, true, "other", false, NOW.plusSeconds(1), refresh));
        assertTrue(StatusWrites.due(written, true, "ok", true, NOW.plusSeconds(1), refresh));
        assertTrue(StatusWrites.due(written, true, "ok", false, NOW.plus(refresh), refresh));
    }

    @Test
    void refSelectionFollowsRevisionBranchOrDefaultBranch() {
        String main = "1111111111111111111111111111111111111111";
        String dev = "2222222222222222222222222222222222222222";
        String tagObject = "3333333333333333333333333333333333333333";
        Ref mainRef = new ObjectIdRef.PeeledNonTag(Ref.Storage.NETWORK, "refs/heads/main", ObjectId.fromString(main));
        Map<String, Ref> refs = Map.of(
                "HEAD", new SymbolicRef("HEAD", mainRef),
                "refs/heads/main", mainRef,
                "refs/heads/dev", new ObjectIdRef.PeeledNonTag(Ref.Storage.NETWORK, "refs/heads/dev",
                        ObjectId.fromString(dev)),
                "refs/tags/v1", new ObjectIdRef.PeeledTag(Ref.Storage.NETWORK, "refs/tags/v1",
                        ObjectId.fromString(tagObject), ObjectId.fromString(dev)));

        assertEquals(new RefSelection.Head(main, "main"), RefSelection.select(refs, null, null, "r"));
        assertEquals(new RefSelection.Head(dev, "dev"), RefSelection.select(refs, "dev", null, "r"));
        assertEquals(new RefSelection.Head(dev, null), RefSelection.select(refs, "main", "v1", "r"),
                "an annotated tag is the commit it points to");
        assertEquals(new RefSelection.Head(dev, null), RefSelection.select(refs, null, "dev", "r"));
        assertEquals(new RefSelection.Head(main, null), RefSelection.select(refs, null, main.toUpperCase(), "r"));
        var unknown = assertThrows(RefSelection.UnknownRevisionException.class,
                () -> RefSelection.select(refs, "nope", null, "https://git.example/r.git"));
        assertEquals("branch 'nope' not found in https://git.example/r.git", unknown.getMessage());
        assertThrows(RefSelection.UnknownRevisionException.class, () -> RefSelection.select(refs, null, "v9", "r"));
    }

    @Test
    void failuresInARowDoubleTheWaitUpToTheCapButNeverBelowTheInterval() {
        Duration cap = Duration.ofMinutes(10);
        assertEquals(DEFAULT, PollSchedule.backoff(DEFAULT, 0, cap));
        assertEquals(DEFAULT, PollSchedule.backoff(DEFAULT, 1, cap));
        assertEquals(Duration.ofSeconds(30), PollSchedule.backoff(DEFAULT, 2, cap));
        assertEquals(Duration.ofSeconds(60), PollSchedule.backoff(DEFAULT, 3, cap));
        assertEquals(Duration.ofSeconds(480), PollSchedule.backoff(DEFAULT, 6, cap));
        assertEquals(cap, PollSchedule.backoff(DEFAULT, 7, cap));
        assertEquals(cap, PollSchedule.backoff(DEFAULT, 1_000, cap));
        // A GitRepo polled hourly is not asked more often because the cap is smaller.
        assertEquals(Duration.ofHours(1), PollSchedule.backoff(Duration.ofHours(1), 5, cap));
    }

    @Test
    void theMessageSaysHowTheBackoffStandsFromTheSecondFailureOn() {
        assertEquals("unreachable", PollSchedule.failureMessage("unreachable", 1, DEFAULT));
        assertEquals("unreachable (failed 2 times in a row; next check in 30s)",
                PollSchedule.failureMessage("unreachable", 2, Duration.ofSeconds(30)));
        assertEquals("unreachable (failed 9 times in a row; next check in 10m)",
                PollSchedule.failureMessage("unreachable", 9, Duration.ofMinutes(10)));
        assertEquals("unreachable (failed 4 times in a row; next check in 2m30s)",
                PollSchedule.failureMessage("unreachable", 4, Duration.ofSeconds(150)));
    }

    private static RepoSpec spec(String interval, boolean disabled) {
        return new RepoSpec("https://git.example/a.git", "main", null, null, null, null, interval, disabled, false,
                false);
    }
}
