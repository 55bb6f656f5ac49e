package io.gitjob.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** The TTL heap, driven by a hand-moved clock: no test sleeps. */
class TtlSchedulerTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final List<TtlScheduler.Entry<String>> fired = new CopyOnWriteArrayList<>();
    private final TtlScheduler<String> heap = new TtlScheduler<>(clock, fired::add);

    @Test
    void entriesFireInExpiryOrderOnlyWhenDue() {
        heap.schedule("c", 3, T0.plusSeconds(30));
        heap.schedule("a", 1, T0.plusSeconds(10));
        heap.schedule("b", 2, T0.plusSeconds(20));
        assertEquals(T0.plusSeconds(10), heap.nextDue().orElseThrow());

        assertEquals(0, heap.expireDue(T0.plusSeconds(9)));
        assertEquals(2, heap.expireDue(T0.plusSeconds(20)), "due at exactly 'now' counts");
        assertEquals(List.of("a", "b"), fired.stream().map(TtlScheduler.Entry::key).toList());
        assertEquals(1, heap.size());

        assertEquals(1, heap.expireDue(T0.plusSeconds(100)));
        assertEquals(List.of("a", "b", "c"), fired.stream().map(TtlScheduler.Entry::key).toList());
        assertTrue(heap.nextDue().isEmpty());
    }

    @Test
    void sameDueTimeFiresInSchedulingOrderWithTokens() {
        heap.schedule("x", 1, T0);
        heap.schedule("x", 2, T0);
        heap.expireDue(T0);
        assertEquals(List.of(1L, 2L), fired.stream().map(TtlScheduler.Entry::token).toList());
    }

    @Test
    void aCallbackMayScheduleAgainAndAFailingOneDoesNotStopTheOthers() {
        TtlScheduler<String> rescheduling = new TtlScheduler<>(clock, e -> {
            if (e.key().equals("boom")) {
                throw new IllegalStateException("boom");
            }
            fired.add(e);
        });
        rescheduling.schedule("boom", 1, T0);
        rescheduling.schedule("ok", 2, T0.plusSeconds(1));
        assertEquals(2, rescheduling.expireDue(T0.plusSeconds(1)));
        assertEquals(List.of("ok"), fired.stream().map(TtlScheduler.Entry::key).toList());
    }

    @Test
    void theThreadExpiresOnTimeAndWakesForAnEarlierEntry() {
        // The thread reads the real clock; entries are due a few milliseconds from now, and the thread must be
        // woken by the earlier one instead of sleeping until the later one.
        TtlScheduler<String> live = new TtlScheduler<>(Clock.systemUTC(), fired::add);
        live.start("ttl-test");
        try {
            Instant now = Instant.now();
            live.schedule("late", 1, now.plus(Duration.ofHours(1)));
            live.schedule("soon", 2, now.plus(Duration.ofMillis(50)));
            await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 1);
            assertEquals("soon", fired.get(0).key());
            assertEquals(1, live.size());
        } finally {
            live.close();
        }
    }
}
