package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The delete cap, on a fake clock that only the fake sleeper moves: nothing here sleeps. */
class RateLimiterTest {

    static final long MS = 1_000_000;

    long now = 5_000 * MS;
    final List<Long> sleeps = new ArrayList<>();

    RateLimiter limiter(double perSecond) {
        return new RateLimiter(perSecond, () -> now, nanos -> {
            sleeps.add(nanos);
            now += nanos;
        });
    }

    @Test
    void permitsAreEvenlySpacedAtTheRate() throws Exception {
        RateLimiter limiter = limiter(50);
        long start = now;
        for (int i = 0; i < 101; i++) {
            limiter.acquire();
        }
        assertEquals(2_000 * MS, now - start, "101 permits at 50/s: the first at once, then one every 20 ms");
        assertEquals(100, sleeps.size());
        sleeps.forEach(s -> assertEquals(20 * MS, s));
    }

    @Test
    void timeSpentBetweenPermitsCountsTowardsTheWait() throws Exception {
        RateLimiter limiter = limiter(50);
        limiter.acquire();
        now += 15 * MS; // the delete call took 15 ms
        limiter.acquire();
        assertEquals(List.of(5 * MS), sleeps);
    }

    @Test
    void noBurstAfterAnIdleOrSlowStretch() throws Exception {
        RateLimiter limiter = limiter(10);
        limiter.acquire();
        now += 10_000 * MS; // a slow API server
        limiter.acquire();
        limiter.acquire();
        limiter.acquire();
        assertEquals(List.of(100 * MS, 100 * MS), sleeps, "never more than one permit at once");
    }

    @Test
    void zeroMeansNoCap() throws Exception {
        RateLimiter limiter = limiter(0);
        for (int i = 0; i < 10_000; i++) {
            limiter.acquire();
        }
        assertEquals(List.of(), sleeps);
    }

    @Test
    void aFractionalRateIsHonoured() throws Exception {
        RateLimiter limiter = limiter(0.5);
        limiter.acquire();
        limiter.acquire();
        assertEquals(List.of(2_000 * MS), sleeps);
    }

    @Test
    void aNegativeOrInfiniteRateIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> limiter(-1));
        assertThrows(IllegalArgumentException.class, () -> limiter(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> limiter(Double.NaN));
    }
}
