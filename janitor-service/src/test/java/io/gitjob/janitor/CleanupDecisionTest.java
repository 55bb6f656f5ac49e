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
import io.gitjob.gitrepo.JobPhase;
import io.gitjob.janitor.CleanupDecision.DeleteReason;
import io.gitjob.janitor.CleanupDecision.KeepReason;
import io.gitjob.janitor.CleanupDecision.Verdict;

/** The janitor's rules, as a pure function, without an API server. */
class CleanupDecisionTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Optional<Duration> WEEK = Optional.of(Duration.ofDays(7));
    static final Optional<Duration> FOREVER = Optional.empty();
    static final Duration GRACE = Duration.ofMinutes(10);

    @Test
    void aJobNoGitRepoOwnsIsNeverTouchedWhateverItsState() {
        for (JobPhase state : JobPhase.values()) {
            JobFacts job = job("x", null, state, Duration.ofDays(400));
            assertEquals(KeepReason.NOT_OWNED_BY_GITREPO,
                    CleanupDecision.decide(job, false, false, NOW, GRACE, WEEK).keep());
        }
    }

    @Test
    void anOrphanIsDeletedWhateverItsStateEvenRunning() {
        for (JobPhase state : JobPhase.values()) {
            Verdict verdict = CleanupDecision.decide(job("x", "uid-a", state, Duration.ofMinutes(1)), false, true, NOW,
                    GRACE, FOREVER);
            assertEquals(DeleteReason.ORPHAN, verdict.delete(), state.toString());
            assertEquals("orphan", verdict.reason());
        }
    }

    @Test
    void aSucceededJobOfAnExistingGitRepoIsDeletedOnceItsGraceIsOver() {
        Verdict verdict = CleanupDecision.decide(succeeded("x", "uid-a", Duration.ofMinutes(11)), true, false, NOW,
                GRACE, FOREVER);
        assertTrue(verdict.deletes());
        assertEquals("succeeded", verdict.reason());
        assertEquals(DeleteReason.SUCCEEDED, CleanupDecision.decide(succeeded("x", "uid-a", GRACE), true, false, NOW,
                GRACE, FOREVER).delete(), "as old as the grace: job-service had its time");
    }

    @Test
    void aSucceededJobYoungerThanTheGraceIsLeftToJobService() {
        // job-service records the success (event, GitRepo status) and deletes the Job itself; while it is down
        // the janitor must not eat a success nobody recorded.
        for (Duration ago : List.of(Duration.ZERO, Duration.ofMinutes(1), GRACE.minusSeconds(1))) {
            Verdict verdict = CleanupDecision.decide(succeeded("x", "uid-a", ago), true, false, NOW, GRACE, WEEK);
            assertEquals(KeepReason.SUCCEEDED_WITHIN_GRACE, verdict.keep(), ago.toString());
            assertEquals("succeeded-recent", verdict.reason());
        }
        assertEquals(KeepReason.SUCCEEDED_WITHIN_GRACE, CleanupDecision.decide(succeeded("x", "uid-a",
                Duration.ofMinutes(-2)), true, false, NOW, GRACE, WEEK).keep(),
                "completed 'in the future' (the API server's clock ahead of ours): young, kept");
    }

    @Test
    void aGraceOfZeroDeletesASucceededJobAtOnce() {
        assertEquals(DeleteReason.SUCCEEDED, CleanupDecision.decide(succeeded("x", "uid-a", Duration.ZERO), true,
                false, NOW, Duration.ZERO, FOREVER).delete());
    }

    @Test
    void anOrphanThatJustSucceededIsDeletedWithoutGrace() {
        // Nothing to record: the GitRepo whose status and events the success belongs to is gone.
        assertEquals(DeleteReason.ORPHAN, CleanupDecision.decide(succeeded("x", "uid-gone", Duration.ZERO), false,
                false, NOW, GRACE, FOREVER).delete());
    }

    @Test
    void aSucceededJobWhoseCompletionTimeCannotBeReadIsNotKeptForever() {
        JobFacts unreadable = new JobFacts("fleet-local", "x", "uid-x",
                Optional.of(new GitRepoRef("fleet-local", "repo-a", "uid-a")), JobPhase.SUCCEEDED, NOW, null, null,
                1, 0, "abc123");
        assertEquals(DeleteReason.SUCCEEDED, CleanupDecision.decide(unreadable, true, false, NOW, GRACE, FOREVER)
                .delete());
    }

    @Test
    void aRunningJobOfAnExistingGitRepoIsKept() {
        assertEquals(KeepReason.RUNNING,
                CleanupDecision.decide(job("x", "uid-a", JobPhase.RUNNING, null), true, false, NOW, GRACE, WEEK)
                        .keep());
    }

    @Test
    void failedJobsAreKeptForeverWithoutRetention() {
        assertEquals(KeepReason.FAILED_NO_RETENTION, CleanupDecision
                .decide(job("x", "uid-a", JobPhase.FAILED, Duration.ofDays(4000)), true, false, NOW, GRACE, FOREVER)
                .keep());
    }

    @Test
    void failedJobsOlderThanTheRetentionAreDeletedButNotTheNewestOfItsGitRepo() {
        JobFacts old = job("x", "uid-a", JobPhase.FAILED, Duration.ofDays(8));
        assertEquals(DeleteReason.FAILED_RETENTION,
                CleanupDecision.decide(old, true, false, NOW, GRACE, WEEK).delete());
        assertEquals("failed-retention", CleanupDecision.decide(old, true, false, NOW, GRACE, WEEK).reason());
        assertEquals(KeepReason.NEWEST_FAILED, CleanupDecision.decide(old, true, true, NOW, GRACE, WEEK).keep());
        JobFacts recent = job("y", "uid-a", JobPhase.FAILED, Duration.ofDays(6));
        assertEquals(KeepReason.FAILED_WITHIN_RETENTION,
                CleanupDecision.decide(recent, true, false, NOW, GRACE, WEEK).keep());
        JobFacts exactly = job("z", "uid-a", JobPhase.FAILED, Duration.ofDays(7));
        assertFalse(CleanupDecision.decide(exactly, true, false, NOW, GRACE, WEEK).deletes(),
                "older than, not as old as");
    }

    @Test
    void theNewestFailedJobIsChosenPerGitRepoByFailureTime() {
        JobFacts a1 = job("a-1", "uid-a", JobPhase.FAILED, Duration.ofDays(30));
        JobFacts a2 = job("a-2", "uid-a", JobPhase.FAILED, Duration.ofDays(20));
        JobFacts a3 = job("a-3", "uid-a", JobPhase.FAILED, Duration.ofDays(25));
        JobFacts aDone = succeeded("a-done", "uid-a", Duration.ofHours(1));
        JobFacts aJustDone = succeeded("a-just-done", "uid-a", Duration.ofMinutes(2));
        JobFacts b1 = job("b-1", "uid-b", JobPhase.FAILED, Duration.ofDays(60));
        JobFacts gone = job("gone-1", "uid-gone", JobPhase.FAILED, Duration.ofDays(60));

        List<Verdict> verdicts = CleanupDecision.decideAll(List.of(a1, a2, a3, aDone, aJustDone, b1, gone),
                Set.of("uid-a", "uid-b"), NOW, GRACE, WEEK);

        assertEquals(List.of("failed-retention", "newest-failed", "failed-retention", "succeeded", "succeeded-recent",
                "newest-failed", "orphan"), verdicts.stream().map(Verdict::reason).toList());
        assertEquals(List.of(a1, a2, a3, aDone, aJustDone, b1, gone), verdicts.stream().map(Verdict::job).toList(),
                "in listing order");
    }

    @Test
    void aReCreatedGitRepoOfTheSameNameDoesNotAdoptTheOldOnesJobs() {
        // Same namespace and name, but the existing GitRepo has a new uid.
        JobFacts old = job("alpha-1", "uid-alpha-before", JobPhase.RUNNING, null);
        assertEquals(DeleteReason.ORPHAN,
                CleanupDecision.decideAll(List.of(old), Set.of("uid-alpha-now"), NOW, GRACE, WEEK).get(0).delete());
    }

    static JobFacts job(String name, String ownerUid, JobPhase phase, Duration failedAgo) {
        Instant failedAt = phase == JobPhase.FAILED && failedAgo != null ? NOW.minus(failedAgo) : null;
        // A succeeded Job given no time here completed long ago: past any grace.
        Instant completedAt = phase == JobPhase.SUCCEEDED ? NOW.minus(Duration.ofDays(30)) : null;
        return new JobFacts("fleet-local", name, "uid-" + name, owner(ownerUid), phase, NOW.minus(Duration.ofDays(90)),
                completedAt, failedAt, 1, 0, "abc123");
    }

    static JobFacts succeeded(String name, String ownerUid, Duration completedAgo) {
        return new JobFacts("fleet-local", name, "uid-" + name, owner(ownerUid), JobPhase.SUCCEEDED,
                NOW.minus(completedAgo).minusSeconds(30), NOW.minus(completedAgo), null, 1, 0, "abc123");
    }

    static Optional<GitRepoRef> owner(String uid) {
        return uid == null ? Optional.empty() : Optional.of(new GitRepoRef("fleet-local", "repo-" + uid, uid));
    }
}
