package io.gitjob.watcher;

import java.time.Instant;

/**
 * Event times of one GitRepo strictly increase, also across restarts and replica handovers: job-service
 * skips an event whose time is not after the newest it acted on (its replay guard).
 */
public final class EventTimes {
    private EventTimes() {
    }

    /** max(now, last + 1 ms); {@code last} null when nothing was published yet. */
    public static Instant next(Instant now, Instant last) {
        if (last == null) {
            return now;
        }
        Instant floor = last.plusMillis(1);
        return now.isAfter(floor) ? now : floor;
    }
}
