package io.gitjob.watcher.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The fetch tally's arrays: the fetches a {@code gitrepo.head-unchanged} record carries come out in the order they
 * were made, with the first one's time to the nanosecond, whatever was dropped or published before.
 */
class FetchTallyTest {

    private static final Instant T0 = Instant.parse("2026-12-03T07:00:00.123456789Z");

    @Test
    void keepsFetchesInOrderAcrossGrowthAndPartialPublishes() {
        Poller.Tally tally = new Poller.Tally();
        assertEquals(0, tally.size());
        assertFalse(tally.due(T0.plusSeconds(3600), Duration.ofMinutes(1)), "an empty tally is never due");
        for (int i = 0; i < 10; i++) {
            tally.add(i / 10.0, T0.plusSeconds(i));
        }
        assertEquals(10, tally.size());
        assertEquals(T0, tally.firstTime());
        assertEquals(List.of(0.0, 0.1, 0.2), tally.firstSeconds(3));

        tally.dropFirst(3); // a record of the first three was published
        assertEquals(T0.plusSeconds(3), tally.firstTime());
        tally.remove(1); // the limit dropped the oldest fetch after the pending ones
        assertEquals(List.of(0.3, 0.5, 0.6, 0.7, 0.8, 0.9), tally.firstSeconds(6));

        assertFalse(tally.due(T0.plusSeconds(62), Duration.ofMinutes(1)));
        assertTrue(tally.due(T0.plusSeconds(63), Duration.ofMinutes(1)), "a minute after its first fetch");

        tally.dropFirst(tally.size());
        assertEquals(0, tally.size());
        tally.add(1.5, T0);
        assertEquals(List.of(1.5), tally.firstSeconds(1), "used again after being emptied");
    }

    @Test
    void neverIsAfterEveryInstant() {
        assertEquals(Long.MAX_VALUE, Poller.nanos(Instant.MAX));
        assertTrue(Poller.nanos(T0) < Poller.nanos(T0.plusNanos(1)));
    }
}
