package io.gitjob.janitor;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} permits a second, evenly spaced: a token bucket that holds one token, so a run
 * that was slowed down by a slow API server never makes up for it with a burst. Not thread-safe: one run
 * owns one limiter. The clock and the sleeper are injectable so the pacing is tested without sleeping.
 */
public final class RateLimiter {

    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    public static final Sleeper THREAD_SLEEPER = nanos -> TimeUnit.NANOSECONDS.sleep(nanos);

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long nextPermit;
    private boolean started;

    /** @param perSecond permits a second; 0 means no limit */
    public RateLimiter(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be 0 (no limit) or positive, was " + perSecond);
        }
        this.intervalNanos = perSecond == 0 ? 0 : Math.max(1, Math.round(1_000_000_000d / perSecond));
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    public static RateLimiter perSecond(double perSecond) {
        return new RateLimiter(perSecond, System::nanoTime, THREAD_SLEEPER);
    }

    /** Waits until the next permit is due, then takes it. */
    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (!started) {
            started = true;
            nextPermit = now;
        }
        long wait = nextPermit - now;
        if (wait > 0) {
            sleeper.sleep(wait);
            now = nanoTime.getAsLong();
        }
        // From the later of the planned and the actual time: time lost while idle or slowed is not made up for.
        nextPermit = Math.max(nextPermit, now) + intervalNanos;
    }

    long intervalNanos() {
        return intervalNanos;
    }
}
