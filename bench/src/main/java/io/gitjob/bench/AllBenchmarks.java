package io.gitjob.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gitjob.bench.pipeline.PipelineBench;

/**
 * The harness's one command ({@code bench/run.sh}): the pipeline through the real services at each size (with
 * the raw Kafka baseline of the same run and each service's heap), a table on standard output, and every figure
 * in {@code bench/target/bench-results.json}. With {@code --with-micro} it also runs the per-service mains
 * (metrics, watcher, janitor, Kafka baseline), each in its own JVM, and keeps the tables they print.
 *
 * <p>Arguments: sizes (default {@code 300 1000}; 10,000 does not finish on 2 cores, see docs/performance.md),
 * {@code --polling-interval=15s} (default 15 s up to
 * 2,000 GitRepos, 5 min above), {@code --commit-wave}/{@code --no-commit-wave} (default: up to 2,000 GitRepos),
 * {@code --wave-timeout=seconds}, {@code --job-mode=fleet|kubectl}, {@code --check-manifests}
 * (clone and check every Job's manifests, the sandbox's default; slow at 10,000), {@code --out=path},
 * {@code --with-micro}.
 */
public final class AllBenchmarks {

    private AllBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        PipelineBench.Options options = new PipelineBench.Options();
        Path out = Path.of("bench/target/bench-results.json");
        boolean micro = false;
        for (String arg : args) {
            if (arg.startsWith("--polling-interval=")) {
                options.pollingInterval = arg.substring(arg.indexOf('=') + 1);
            } else if (arg.equals("--commit-wave") || arg.equals("--no-commit-wave")) {
                options.commitWave = arg.equals("--commit-wave");
            } else if (arg.equals("--check-manifests")) {
                options.checkManifests = true;
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring(arg.indexOf('=') + 1));
            } else if (arg.equals("--with-micro")) {
                micro = true;
            } else if (arg.startsWith("--job-mode=")) {
                options.jobMode = arg.substring(arg.indexOf('=') + 1);
            } else if (arg.startsWith("--wave-timeout=")) {
                options.waveTimeout = java.time.Duration.ofSeconds(Long.parseLong(arg.substring(arg.indexOf('=') + 1)));
            } else if (arg.matches("\\d+")) {
                sizes.add(Integer.parseInt(arg));
            } else {
                System.err.println("unknown argument " + arg + "; see the class comment of " + AllBenchmarks.class);
                System.exit(2);
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(300, 1_000);
        }
        options.root = Path.of("").toAbsolutePath();

        List<PipelineBench.Result> results = new ArrayList<>();
        for (int size : sizes) {
            results.add(PipelineBench.run(size, options, line -> System.out.println("# " + line)));
        }
        Map<String, String> microTables = new LinkedHashMap<>();
        if (micro) {
            microTables.put("kafka", MicroRun.run("io.gitjob.bench.kafka.KafkaBaselineBench", "-Xmx1g"));
            microTables.put("metrics", MicroRun.run("io.gitjob.bench.metrics.MetricsBench", "-Xmx6g"));
            microTables.put("watcher", MicroRun.run("io.gitjob.bench.watcher.WatcherBench", "-Xmx2g"));
            microTables.put("janitor", MicroRun.run("io.gitjob.bench.janitor.JanitorBenchmark", "-Xmx2g",
                    "10000", "both"));
        }

        String table = ResultsTable.of(results);
        System.out.println(table);
        microTables.forEach((k, v) -> System.out.println("\n## " + k + "\n" + v));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("when", Instant.now().toString());
        json.put("machine", machine());
        json.put("pipeline", results);
        json.put("micro", microTables);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("\nwrote " + out.toAbsolutePath());
        System.exit(0);
    }

    private static Map<String, Object> machine() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            Files.readAllLines(meminfo, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().ifPresent(l -> m.put("memTotal", l.replaceAll("\\s+", " ").substring(10)));
        }
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }
}
