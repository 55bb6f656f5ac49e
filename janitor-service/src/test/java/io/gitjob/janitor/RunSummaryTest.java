package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gitjob.janitor.CleanupDecision.DeleteReason;
import io.gitjob.janitor.CleanupDecision.KeepReason;

/** The one summary line a run logs: every key always there, so log queries can rely on them. */
class RunSummaryTest {

    @Test
    void theLineNamesListedDeletedByReasonKeptErrorsAndDuration() {
        RunSummary summary = new RunSummary(RunSummary.Result.ERRORS, false, 1234, 4,
                Map.of(DeleteReason.SUCCEEDED, 1000, DeleteReason.ORPHAN, 20),
                Map.of(KeepReason.SUCCEEDED_WITHIN_GRACE, 5, KeepReason.RUNNING, 3, KeepReason.FAILED_NO_RETENTION,
                        200), 2, 9, Duration.ofMillis(20_450), List.of());
        assertEquals("janitor run: result=errors dryRun=false listed=1234 listCalls=4 deleted=1020 "
                + "deleted.succeeded=1000 deleted.orphan=20 deleted.failed-retention=0 kept=208 kept.not-owned=0 "
                + "kept.succeeded-recent=5 kept.running=3 kept.failed=200 kept.newest-failed=0 kept.failed-recent=0 "
                + "alreadyGone=2 errors=9 durationSeconds=20.450", summary.line());
    }

    @Test
    void aDryRunSaysWouldDelete() {
        RunSummary summary = new RunSummary(RunSummary.Result.SUCCESS, true, 1, 2,
                Map.of(DeleteReason.SUCCEEDED, 1), Map.of(), 0, 0, Duration.ZERO,
                List.of(new RunSummary.Deletion("ns/a", DeleteReason.SUCCEEDED)));
        assertEquals("janitor run: result=success dryRun=true listed=1 listCalls=2 wouldDelete=1 "
                + "wouldDelete.succeeded=1 wouldDelete.orphan=0 wouldDelete.failed-retention=0 kept=0 "
                + "kept.not-owned=0 kept.succeeded-recent=0 kept.running=0 kept.failed=0 kept.newest-failed=0 "
                + "kept.failed-recent=0 alreadyGone=0 errors=0 durationSeconds=0.000", summary.line());
    }
}
