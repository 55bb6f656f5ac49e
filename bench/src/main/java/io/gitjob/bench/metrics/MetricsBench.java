package io.gitjob.bench.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.metrics.ChunkedUtf8Writer;
import io.gitjob.metrics.FleetCollectorRegistry;
import io.gitjob.metrics.FleetMetrics;
import io.gitjob.metrics.GitJobMetrics;
import io.gitjob.metrics.PresizedScrapeRegistry;
import io.gitjob.metrics.TtlScheduler;
import io.gitjob.metrics.exposition.MeterExposition;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * metrics-service's recorder without Kafka or HTTP: the time to drop one GitRepo's series as the number of
 * GitRepos grows, the TTL heap's throughput, and a scrape's time, size and memory at 10,000 GitRepos, with
 * Fleet's histograms and without them ({@code gitjob.metrics.histograms=false}). Each GitRepo gets every series
 * (4 counters, 2 histograms, 2 gauges: 32 sample lines; 6 without the histograms).
 *
 * <p>Run: {@code ./mvnw -q -pl bench -am install -DskipTests} then
 * {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=io.gitjob.bench.metrics.MetricsBench} (add
 * {@code -Dbench.quick=true} to skip 100,000 GitRepos). Give Maven's JVM room: {@code MAVEN_OPTS=-Xmx4g}.
 */
public final class MetricsBench {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(120);

    private MetricsBench() {
    }

    public static void main(String[] args) {
        boolean quick = Boolean.getBoolean("bench.quick");
        System.out.printf("metrics-service benchmark (JDK %s, %d cores, max heap %d MiB)%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        dropTime(1_000, 200); // warm-up, not printed
        System.out.println("Drop one GitRepo's series (a gitrepo.deleted event through the recorder)");
        System.out.println("| GitRepos registered | meters | drops timed | median | p99 | max |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int n : quick ? new int[] { 1_000, 10_000 } : new int[] { 1_000, 10_000, 100_000 }) {
            System.out.println(dropTime(n, 1_000));
        }

        System.out.println();
        System.out.println("TTL heap");
        System.out.println("| what | entries | time | entries/s |");
        System.out.println("|---|---:|---:|---:|");
        heapRaw(1_000_000); // warm-up
        List<List<String>> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(heapRaw(1_000_000));
        }
        for (int r = 0; r < 2; r++) { // the median of five runs, by rate
            int row = r;
            List<String> rows = new ArrayList<>(runs.stream().map(l -> l.get(row)).toList());
            rows.sort(java.util.Comparator.comparingDouble(MetricsBench::rate));
            System.out.println(rows.get(2));
        }
        heapThroughRecorder(2_000, 10); // warm-up
        System.out.println(heapThroughRecorder(10_000, 10));

        System.out.println();
        System.out.println("Scrape at 10,000 GitRepos (every series present)");
        System.out.println("| registry | format | samples | bytes | median time | p90 time | allocated by one scrape |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        scrape(10_000, true).forEach(System.out::println);
        System.out.println();
        System.out.println("Scrape at 10,000 GitRepos with gitjob.metrics.histograms=false (the two Fleet histograms left out)");
        System.out.println("| registry | format | samples | bytes | median time | p90 time | allocated by one scrape |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        scrape(10_000, false).forEach(System.out::println);
        System.out.println(deletedMemory(100_000));
    }

    // Drop

    private static String dropTime(int gitRepos, int drops) {
        Fixture f = new Fixture(gitRepos);
        List<GitRepoRef> victims = new ArrayList<>(f.gitRepos);
        Collections.shuffle(victims, new Random(42));
        long[] nanos = new long[drops];
        for (int i = 0; i < drops; i++) {
            GitRepoEvent.Deleted deleted = new GitRepoEvent.Deleted("d" + i, f.clock.instant(), victims.get(i), 1, 0);
            long start = System.nanoTime();
            f.metrics.record(deleted);
            nanos[i] = System.nanoTime() - start;
        }
        if (f.metrics.gitRepoCount() != gitRepos - drops) {
            throw new IllegalStateException("drops did not drop");
        }
        Arrays.sort(nanos);
        String row = String.format("| %,d | %,d | %,d | %s | %s | %s |", gitRepos, f.meters, drops,
                micros(nanos[drops / 2]), micros(nanos[(int) (drops * 0.99)]), micros(nanos[drops - 1]));
        f.close();
        return row;
    }

    // TTL heap

    private static List<String> heapRaw(int entries) {
        long[] processed = new long[1];
        TtlScheduler<Integer> heap = new TtlScheduler<>(Clock.systemUTC(), e -> processed[0]++);
        Random random = new Random(7);
        long start = System.nanoTime();
        for (int i = 0; i < entries; i++) {
            heap.schedule(i, i, T0.plusMillis(random.nextInt(120_000)));
        }
        long scheduled = System.nanoTime() - start;
        start = System.nanoTime();
        int expired = heap.expireDue(T0.plus(TTL));
        long expiring = System.nanoTime() - start;
        if (expired != entries || processed[0] != entries) {
            throw new IllegalStateException("heap lost entries");
        }
        return List.of(
                row("schedule (push, random expiry within 120 s)", entries, scheduled),
                row("expire (pop in order, empty callback)", entries, expiring));
    }

    /** {@code gitRepos} GitRepos each with {@code jobsPerTtl} jobs succeeding within one TTL: all but the last stale. */
    private static String heapThroughRecorder(int gitRepos, int jobsPerTtl) {
        Fixture f = new Fixture(0);
        List<GitRepoRef> refs = new ArrayList<>();
        for (int i = 0; i < gitRepos; i++) {
            refs.add(ref(i));
        }
        for (int j = 0; j < jobsPerTtl; j++) {
            for (GitRepoRef r : refs) {
                f.metrics.record(new GitJobEvent.JobSucceeded("s" + j, f.clock.instant(), r, 1, 0, "job-" + j, "c", 42));
            }
            f.clock.advance(TTL.dividedBy(jobsPerTtl * 2L));
        }
        int entries = f.metrics.heapSize();
        f.clock.advance(TTL.multipliedBy(2));
        long start = System.nanoTime();
        int processed = f.metrics.expireDue(f.clock.instant());
        long took = System.nanoTime() - start;
        if (processed != entries || f.metrics.expiredGauges() != gitRepos
                || f.metrics.staleExpiries() != (long) gitRepos * (jobsPerTtl - 1)) {
            throw new IllegalStateException("unexpected expiries: " + processed + "/" + f.metrics.expiredGauges());
        }
        f.close();
        return row(String.format("expire through the recorder (%,d GitRepos x %d jobs within a TTL: %,d stale"
                + " skipped, %,d gauges removed)", gitRepos, jobsPerTtl, f.metrics.staleExpiries(),
                f.metrics.expiredGauges()), entries, took);
    }

    // Scrape

    private static List<String> scrape(int gitRepos, boolean histograms) {
        long before = usedHeap();
        Fixture f = new Fixture(gitRepos, histograms);
        long after = usedHeap();
        List<String> rows = new ArrayList<>();
        // Micrometer's own scrape (what metrics-service served before) beside metrics-service's presized one,
        // on the same series: the same text, different cost.
        PrometheusMeterRegistry presized = new PresizedScrapeRegistry(PrometheusConfig.DEFAULT,
                f.registry.getPrometheusRegistry(), io.micrometer.core.instrument.Clock.SYSTEM, null);
        for (String format : new String[] { "text/plain; version=0.0.4; charset=utf-8",
                "application/openmetrics-text; version=1.0.0; charset=utf-8" }) {
            for (PrometheusMeterRegistry registry : List.of(f.registry, presized)) {
                for (int i = 0; i < 5; i++) {
                    registry.scrape(format); // warm-up
                }
                int runs = 20;
                long[] nanos = new long[runs];
                String text = null;
                long allocated = 0;
                for (int i = 0; i < runs; i++) {
                    long allocatedBefore = allocatedBytes();
                    long start = System.nanoTime();
                    text = registry.scrape(format);
                    nanos[i] = System.nanoTime() - start;
                    allocated = allocatedBytes() - allocatedBefore;
                }
                Arrays.sort(nanos);
                long samples = text.lines().filter(l -> !l.startsWith("#")).count();
                rows.add(String.format("| %s | %s | %,d | %,d (%.1f MiB) | %s | %s | %.0f MiB |",
                        registry == presized ? "presized String (`scrape(contentType)`)" : "Micrometer's `scrape()`",
                        format.substring(0, format.indexOf(';')), samples,
                        text.getBytes(StandardCharsets.UTF_8).length,
                        text.getBytes(StandardCharsets.UTF_8).length / 1048576.0, millis(nanos[runs / 2]),
                        millis(nanos[(int) (runs * 0.9)]), allocated / 1048576.0));
            }
            String sameText = f.registry.scrape(format);
            rows.add(streamed("Micrometer's scrape streamed (the route before 2026-12-02", (out, fmt) -> presized.scrape(out, fmt), format,
                    sameText));
            // With the gauges the recorder keeps outside the registry (the failed Jobs retained), as the route writes.
            MeterExposition fromMeters = new MeterExposition(f.registry, PrometheusConfig.DEFAULT,
                    FleetMetrics.HIDDEN_SAMPLES, f.metrics.gaugeFamilies());
            java.io.StringWriter served = new java.io.StringWriter();
            try {
                fromMeters.write(served, format);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            rows.add(streamed("metrics-service's /q/metrics: written from the meters (`MeterExposition`, streamed", fromMeters::write, format,
                    served.toString()));
        }
        rows.add("");
        rows.add(String.format("Heap held by the series of %,d GitRepos (%,d meters): %.1f MiB, %,d bytes a GitRepo",
                gitRepos, f.meters, (after - before) / 1048576.0, (after - before) / gitRepos));
        f.close();
        return rows;
    }

    /**
     * What metrics-service's {@code /q/metrics} route ({@code StreamedScrapeRoute}) allocates: the registry writing
     * into the route's {@link ChunkedUtf8Writer}, every chunk (a Vert.x buffer of 64 KiB, as the route sends it)
     * counted and dropped where the route hands it to the connection. What Vert.x and Netty then do with a chunk
     * (a chunk header, the socket write) is not counted.
     */
    /** A scrape into a writer: the registry's own, or {@code MeterExposition}'s. */
    @FunctionalInterface
    private interface ScrapeInto {
        void write(java.io.Writer out, String format) throws java.io.IOException;
    }

    private static String streamed(String what, ScrapeInto scrape, String format, String sameText) {
        long[] bytes = new long[1];
        ChunkedUtf8Writer.ChunkSink discard = chunk -> bytes[0] += chunk.length();
        try {
            for (int i = 0; i < 5; i++) {
                ChunkedUtf8Writer out = new ChunkedUtf8Writer(discard);
                scrape.write(out, format); // warm-up
                out.finish();
            }
            int runs = 20;
            long[] nanos = new long[runs];
            long allocated = 0;
            for (int i = 0; i < runs; i++) {
                bytes[0] = 0;
                long allocatedBefore = allocatedBytes();
                long start = System.nanoTime();
                ChunkedUtf8Writer out = new ChunkedUtf8Writer(discard);
                scrape.write(out, format);
                out.finish();
                nanos[i] = System.nanoTime() - start;
                allocated = allocatedBytes() - allocatedBefore;
            }
            Arrays.sort(nanos);
            long expected = sameText.getBytes(StandardCharsets.UTF_8).length;
            if (bytes[0] != expected) {
                throw new IllegalStateException("streamed " + bytes[0] + " bytes, the String has " + expected);
            }
            long samples = sameText.lines().filter(l -> !l.startsWith("#")).count();
            return String.format("| %s, %d KiB chunks) | %s | %,d | %,d (%.1f MiB) | %s | %s | %.0f MiB (%.1fx the text) |",
                    what, ChunkedUtf8Writer.DEFAULT_CHUNK_SIZE / 1024, format.substring(0, format.indexOf(';')), samples,
                    bytes[0], bytes[0] / 1048576.0, millis(nanos[runs / 2]), millis(nanos[(int) (runs * 0.9)]),
                    allocated / 1048576.0, (double) allocated / bytes[0]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Heap held by the memory of deleted GitRepos ({@code gitjob.metrics.deleted-gitrepos.max-entries}). */
    private static String deletedMemory(int deletions) {
        long before = usedHeap();
        Fixture g = new Fixture(0);
        for (int i = 0; i < deletions; i++) {
            g.metrics.record(new GitRepoEvent.Deleted("d", g.clock.instant(), ref(i), 1, 0));
        }
        long after = usedHeap();
        String row = String.format("Heap held by %,d remembered deleted GitRepos: %.1f MiB, %,d bytes each",
                g.metrics.deletedRemembered(), (after - before) / 1048576.0, (after - before) / deletions);
        g.close();
        return row;
    }

    // Helpers

    /** A registry like the service's, with {@code gitRepos} GitRepos holding every series. */
    private static final class Fixture implements AutoCloseable {
        final BenchClock clock = new BenchClock(T0);
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new FleetCollectorRegistry(), io.micrometer.core.instrument.Clock.SYSTEM);
        final GitJobMetrics metrics;
        final List<GitRepoRef> gitRepos = new ArrayList<>();
        final int meters;

        Fixture(int count) {
            this(count, true);
        }

        /** @param histograms {@code gitjob.metrics.histograms} */
        Fixture(int count, boolean histograms) {
            metrics = new GitJobMetrics(registry, TTL, clock, 1_000_000, Duration.ofDays(7),
                    GitJobMetrics.DEFAULT_RECENT_EVENT_IDS, histograms);
            for (int i = 0; i < count; i++) {
                GitRepoRef r = ref(i);
                gitRepos.add(r);
                Instant t = clock.instant();
                String job = r.name() + "-1a2b3";
                // Distinct ids: an id seen again for a GitRepo is a republished event and is not counted.
                metrics.record(new GitJobEvent.JobCreated("e1", t, r, 1, 0, job, "c0ffee"));
                metrics.record(new GitJobEvent.JobCreationFailed("e2", t, r, 1, 0, job, "c0ffee", "E", "m"));
                metrics.record(new GitJobEvent.JobSucceeded("e3", t, r, 1, 0, job, "c0ffee", 12.5 + i % 100));
                // gitjob_failed_jobs_retained is a level from the cluster, set as FailedJobsLevel sets it.
                metrics.failedJobsRetained(r, 1);
                metrics.record(new GitRepoEvent.CommitDetected("e4", t, r, 1, 0, "https://git.example/r.git", "main",
                        "c0ffee", null, 0.05 * (i % 40), GitRepoEvent.CommitSource.POLL));
                metrics.record(new GitRepoEvent.CommitFetchFailed("e5", t, r, 1, 0, "https://git.example/r.git", "E",
                        "m", 1.0));
            }
            meters = registry.getMeters().size();
        }

        @Override
        public void close() {
            metrics.close();
            registry.close();
        }
    }

    private static GitRepoRef ref(int i) {
        return new GitRepoRef("fleet-ns-" + (i % 50), "gitrepo-" + i,
                UUID.nameUUIDFromBytes(("gitrepo-" + i).getBytes(StandardCharsets.UTF_8)).toString());
    }

    private static String row(String what, long entries, long nanos) {
        return String.format("| %s | %,d | %s | %,.0f |", what, entries, millis(nanos), entries / (nanos / 1e9));
    }

    private static String micros(long nanos) {
        return String.format("%.1f µs", nanos / 1e3);
    }

    private static String millis(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    private static double rate(String row) {
        String[] cells = row.split("\\|");
        return Double.parseDouble(cells[cells.length - 1].trim().replace(",", ""));
    }

    /** Bytes this thread allocated so far (HotSpot). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** A clock the benchmark moves by hand. */
    private static final class BenchClock extends Clock {
        private Instant now;

        BenchClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
