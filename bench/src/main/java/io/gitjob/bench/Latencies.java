package io.gitjob.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * A set of latencies (nanoseconds) and the span they were measured over: p50, p99 and events per second, as
 * every table of the harness shows them.
 *
 * @param count how many events
 * @param p50Millis median latency
 * @param p99Millis 99th percentile latency
 * @param maxMillis the slowest
 * @param eventsPerSecond count divided by the span from the first event's start to the last event's end
 */
public record Latencies(int count, double p50Millis, double p99Millis, double maxMillis, double eventsPerSecond) {

    /** Nearest-rank percentiles of {@code nanos}; {@code spanNanos} is the wall time the events took in all. */
    public static Latencies of(long[] nanos, long spanNanos) {
        if (nanos.length == 0) {
            return new Latencies(0, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        long[] sorted = Arrays.copyOf(nanos, nanos.length);
        Arrays.sort(sorted);
        return new Latencies(sorted.length, rank(sorted, 0.50) / 1e6, rank(sorted, 0.99) / 1e6,
                sorted[sorted.length - 1] / 1e6, spanNanos <= 0 ? Double.NaN : sorted.length / (spanNanos / 1e9));
    }

    public static Latencies of(Collection<Long> nanos, long spanNanos) {
        return of(nanos.stream().mapToLong(Long::longValue).toArray(), spanNanos);
    }

    private static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
