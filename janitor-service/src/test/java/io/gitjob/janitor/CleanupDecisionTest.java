package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitRepoRef;
import io.gitjob.janitor.CleanupDecision.DeleteReason;
import io.gitjob.janitor.CleanupDecision.KeepReason;
import io.gitjob.janitor.CleanupDecision.Verdict;
import io.gitjob.janitor.JobFacts.State;

/** The janitor's rules, as a pure function, without an API server. */
class CleanupDecisionTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Optional<Duration> WEEK = Optional.of(Duration.ofDays(7));
    static final Optional<Duration> FOREVER = Optional.empty();

    @Test
    void aJobNoGitRepoOwnsIsNeverTouchedWhateverItsState() {
        for (State state : State.values()) {
            JobFacts job = job("x", null, state, Duration.ofDays(400));
            assertEquals(KeepReason.NOT_OWNED_BY_GITREPO, CleanupDecision.decide(job, false, false, NOW, WEEK).keep());
        }
    }

    @Test
    void anOrphanIsDeletedWhateverItsStateEvenRunning() {
        for (State state : State.values()) {
            Verdict verdict = CleanupDecision.decide(job("x", "uid-a", state, Duration.ofMinutes(1)), false, true, NOW,
                    FOREVER);
            assertEquals(DeleteReason.ORPHAN, verdict.delete(), state.toString());
            assertEquals("orphan", verdict.reason());
        }
    }

    @Test
    void aSucceededJobOfAnExistingGitRepoIsDeleted() {
        Verdict verdict = CleanupDecision.decide(job("x", "uid-a", State.SUCCEEDED, null), true, false, NOW, FOREVER);
        assertTrue(verdict.deletes());
        assertEquals("succeeded", verdict.reason());
    }

    @Test
    void aRunningJobOfAnExistingGitRepoIsKept() {
        assertEquals(KeepReason.RUNNING,
                CleanupDecision.decide(job("x", "uid-a", State.RUNNING, null), true, false, NOW, WEEK).keep());
    }

    @Test
    void failedJobsAreKeptForeverWithoutRetention() {
        assertEquals(KeepReason.FAILED_NO_RETENTION, CleanupDecision
                .decide(job("x", "uid-a", State.FAILED, Duration.ofDays(4000)), true, false, NOW, FOREVER).keep());
    }

    @Test
    void failedJobsOlderThanTheRetentionAreDeletedButNotTheNewestOfItsGitRepo() {
        JobFacts old = job("x", "uid-a", State.FAILED, Duration.ofDays(8));
        assertEquals(DeleteReason.FAILED_RETENTION, CleanupDecision.decide(old, true, false, NOW, WEEK).delete());
        assertEquals("failed-retention", CleanupDecision.decide(old, true, false, NOW, WEEK).reason());
        assertEquals(KeepReason.NEWEST_FAILED, CleanupDecision.decide(old, true, true, NOW, WEEK).keep());
        JobFacts recent = job("y", "uid-a", State.FAILED, Duration.ofDays(6));
        assertEquals(KeepReason.FAILED_WITHIN_RETENTION, CleanupDecision.decide(recent, true, false, NOW, WEEK).keep());
        JobFacts exactly = job("z", "uid-a", State.FAILED, Duration.ofDays(7));
        assertFalse(CleanupDecision.decide(exactly, true, false, NOW, WEEK).deletes(), "older than, not as old as");
    }

    @Test
    void theNewestFailedJobIsChosenPerGitRepoByFailureTime() {
        JobFacts a1 = job("a-1", "uid-a", State.FAILED, Duration.ofDays(30));
        JobFacts a2 = job("a-2", "uid-a", State.FAILED, Duration.ofDays(20));
        JobFacts a3 = job("a-3", "uid-a", State.FAILED, Duration.ofDays(25));
        JobFacts aDone = job("a-done", "uid-a", State.SUCCEEDED, null);
        JobFacts b1 = job("b-1", "uid-b", State.FAILED, Duration.ofDays(60));
        JobFacts gone = job("gone-1", "uid-gone", State.FAILED, Duration.ofDays(60));

        List<Verdict> verdicts = CleanupDecision.decideAll(List.of(a1, a2, a3, aDone, b1, gone),
                Set.of("uid-a", "uid-b"), NOW, WEEK);

        assertEquals(List.of("failed-retention", "newest-failed", "failed-retention", "succeeded", "newest-failed",
                "orphan"), verdicts.stream().map(Verdict::reason).toList());
        assertEquals(List.of(a1, a2, a3, aDone, b1, gone), verdicts.stream().map(Verdict::job).toList(),
                "in listing order");
    }

    @Test
    void aReCreatedGitRepoOfTheSameNameDoesNotAdoptTheOldOnesJobs() {
        // Same namespace and name, but the existing GitRepo has a new uid.
        JobFacts old = job("alpha-1", "uid-alpha-before", State.RUNNING, null);
        assertEquals(DeleteReason.ORPHAN,
                CleanupDecision.decideAll(List.of(old), Set.of("uid-alpha-now"), NOW, WEEK).get(0).delete());
    }

    static JobFacts job(String name, String ownerUid, State state, Duration failedAgo) {
        Optional<GitRepoRef> owner = ownerUid == null ? Optional.empty()
                : Optional.of(new GitRepoRef("fleet-local", "repo-" + ownerUid, ownerUid));
        Instant failedAt = state == State.FAILED && failedAgo != null ? NOW.minus(failedAgo) : null;
        return new JobFacts("fleet-local", name, "uid-" + name, owner, state, NOW.minus(Duration.ofDays(90)),
                failedAt, 1, 0, "abc123");
    }
}
