package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.gitjob.janitor.JanitorMain.Mode;

/** The command line and exit codes of the one-shot mode, and the checks on settings. */
class JanitorMainTest {

    @Test
    void noArgumentIsTheServiceAndOnceIsTheOneShot() {
        assertEquals(Mode.SERVICE, JanitorMain.mode());
        assertEquals(Mode.ONCE, JanitorMain.mode("--once"));
        assertEquals(Mode.HELP, JanitorMain.mode("--help"));
        assertThrows(IllegalArgumentException.class, () -> JanitorMain.mode("--onse"));
        assertThrows(IllegalArgumentException.class, () -> JanitorMain.mode("--once", "--dry-run"));
    }

    @Test
    void onlyARunWithoutErrorsExitsZero() {
        assertEquals(0, JanitorMain.exitCode(RunSummary.Result.SUCCESS));
        assertEquals(1, JanitorMain.exitCode(RunSummary.Result.ERRORS));
        assertEquals(1, JanitorMain.exitCode(RunSummary.Result.FAILED));
        assertEquals(1, JanitorMain.exitCode(RunSummary.Result.INTERRUPTED));
        assertEquals(1, JanitorMain.exitCode(null), "a run that did not start");
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> JanitorSettings.defaults().withBatchSize(0));
        assertEquals(true, e.getMessage().contains("gitjob.janitor.batch-size"));
        e = assertThrows(IllegalArgumentException.class,
                () -> JanitorSettings.defaults().withMaxDeletesPerSecond(-1));
        assertEquals(true, e.getMessage().contains("gitjob.janitor.max-deletes-per-second"));
        e = assertThrows(IllegalArgumentException.class,
                () -> JanitorSettings.defaults().withFailedRetention(Duration.ZERO));
        assertEquals(true, e.getMessage().contains("gitjob.janitor.failed-retention"));
        e = assertThrows(IllegalArgumentException.class,
                () -> JanitorSettings.defaults().withSucceededGrace(Duration.ofMinutes(-1)));
        assertEquals(true, e.getMessage().contains("gitjob.janitor.succeeded-grace"));
        assertEquals(Optional.empty(), JanitorSettings.defaults().failedRetention());
        assertEquals(Duration.ofMinutes(10), JanitorSettings.defaults().succeededGrace());
        assertEquals(Duration.ZERO, JanitorSettings.defaults().withSucceededGrace(Duration.ZERO).succeededGrace(),
                "0: succeeded Jobs go at once, as before the grace");
    }
}
