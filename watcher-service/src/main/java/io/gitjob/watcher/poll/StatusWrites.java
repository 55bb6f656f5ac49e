package io.gitjob.watcher.poll;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a poll's outcome is worth a status write. Writing {@code lastPollingTriggered} after every poll of
 * every GitRepo would be one API write per GitRepo every 15 s; so the status is written when the
 * {@code GitPolling} condition changes (status or message), when a new commit was detected, and otherwise at
 * most once per refresh period, which keeps {@code lastPollingTriggered} fresh enough to see polling is alive.
 */
public final class StatusWrites {

    /** What was last written: null before the first write. */
    public record Written(boolean ok, String message, Instant at) {
    }

    private StatusWrites() {
    }

    public static boolean due(Written last, boolean ok, String message, boolean commitDetected, Instant now,
            Duration refresh) {
        return last == null || last.ok() != ok || !last.message().equals(message) || commitDetected
                || !now.isBefore(last.at().plus(refresh));
    }
}
