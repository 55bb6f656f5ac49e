package io.gitjob.bench.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.gitjob.sandbox.FaultsClient;

/**
 * What one wave cost per Job lifecycle (commit seen, Job created, succeeded, deleted): each API client's requests
 * by verb and resource, counted by the sandbox's API front ({@code /_requests}), and each process's CPU time
 * ({@code utime + stime} of {@code /proc/<pid>/stat}), both divided by the Jobs the API server created in the
 * wave. Everything in the window counts, polls and resyncs included: a cluster pays for those too.
 *
 * @param requestsPerJob client -> "verb resource" -> requests per Job
 * @param cpuMillisPerJob process -> CPU milliseconds per Job
 */
public record WaveCost(String wave, int jobs, double seconds, Map<String, Map<String, Double>> requestsPerJob,
        Map<String, Double> cpuMillisPerJob) {

    /** A client's requests per Job, every verb and resource together. */
    public double totalPerJob(String client) {
        return requestsPerJob.getOrDefault(client, Map.of()).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The counts and CPU times at the start of a wave. */
    public static final class Start {
        private final String wave;
        private final FaultsClient front;
        private final Map<String, Long> pids;
        private final Map<String, Map<String, Long>> requests;
        private final Map<String, Long> ticks;
        private final int created;
        private final long startedNanos = System.nanoTime();

        private Start(String wave, FaultsClient front, Map<String, Long> pids) {
            this.wave = wave;
            this.front = front;
            this.pids = pids;
            this.requests = front.requestsByClient();
            this.created = front.jobCreations().size();
            this.ticks = ticks(pids);
        }

        /** The wave's cost from this start to now. */
        public WaveCost end() {
            Map<String, Long> ticksNow = ticks(pids);
            Map<String, Map<String, Long>> requestsNow = front.requestsByClient();
            int jobs = front.jobCreations().size() - created;
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            int per = Math.max(jobs, 1);
            Map<String, Map<String, Double>> perJob = new TreeMap<>();
            requestsNow.forEach((client, counts) -> {
                Map<String, Long> before = requests.getOrDefault(client, Map.of());
                Map<String, Double> c = new TreeMap<>();
                counts.forEach((k, v) -> {
                    long delta = v - before.getOrDefault(k, 0L);
                    if (delta > 0) {
                        c.put(k, (double) delta / per);
                    }
                });
                if (!c.isEmpty()) {
                    perJob.put(client, c);
                }
            });
            Map<String, Double> cpu = new LinkedHashMap<>();
            long hz = clockTicksPerSecond();
            ticksNow.forEach((name, t) -> cpu.put(name, (t - ticks.getOrDefault(name, 0L)) * 1000.0 / hz / per));
            return new WaveCost(wave, jobs, seconds, perJob, cpu);
        }
    }

    /** Reads the counts and CPU times now, for {@link Start#end()} at the end of the wave. */
    public static Start start(String wave, FaultsClient front, Map<String, Long> pids) {
        return new Start(wave, front, pids);
    }

    /** The lines a person reads: per client, its requests per Job, then CPU per Job per process. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s wave: %d Jobs in %.1f s; API requests per Job lifecycle, per client:", wave, jobs,
                seconds));
        requestsPerJob.forEach((client, counts) -> {
            StringBuilder b = new StringBuilder(String.format("  %-30s %6.2f:", client, totalPerJob(client)));
            counts.forEach((k, v) -> b.append(String.format("  %s %.2f", k, v)));
            lines.add(b.toString());
        });
        StringBuilder cpu = new StringBuilder(wave + " wave: CPU ms per Job:");
        cpuMillisPerJob.forEach((name, ms) -> cpu.append(String.format("  %s %.2f", name, ms)));
        lines.add(cpu.toString());
        return lines;
    }

    private static Map<String, Long> ticks(Map<String, Long> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> ticks.put(name, cpuTicks(pid)));
        return ticks;
    }

    /** utime + stime of a process, in clock ticks: fields 14 and 15 of /proc/<pid>/stat. */
    static long cpuTicks(long pid) {
        try {
            return cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    static long cpuTicks(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(after[11]) + Long.parseLong(after[12]); // fields 14 and 15, counted from field 3
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux architecture gitjob runs on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
