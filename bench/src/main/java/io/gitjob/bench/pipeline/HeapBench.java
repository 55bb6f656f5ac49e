package io.gitjob.bench.pipeline;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.sandbox.JobRunner;
import io.gitjob.sandbox.Ports;
import io.gitjob.sandbox.SampleRepo;
import io.gitjob.sandbox.Sandbox;
import io.gitjob.sandbox.SandboxConfig;
import io.gitjob.sandbox.Trees;

/**
 * Heap per GitRepo of the real services (command: {@code bench/run.sh} header): one sandbox (a real broker, Fabric8's mock
 * API server, the services' built jars, each with {@code -Xmx256m}), the live heap of each service after a full
 * GC ({@link HeapProbe}) with no GitRepo, with a few warm-up GitRepos, then with each size registered, and per
 * service {@code (heap(N) - heap(0)) / N}, {@code (heap(N) - heap(warm-up)) / (N - warm-up)} and the marginal
 * figure between two sizes (the last two leave out what the first GitRepos cost once: classes loaded, serializers
 * built, caches and buffers that grow with the first events).
 * <p>
 * The GitRepos are <b>paused</b> ({@code spec.paused}) with a long polling interval (default 1 h), on a few local
 * repositories: the watcher polls each once at once, records the commit (status {@code pollingCommit},
 * {@code lastPollingTriggered}, the {@code GitPolling} condition, the polled-source annotation), job-service
 * takes the commit and writes its status (paused: no Job), metrics-service has each GitRepo's series of those
 * events. So the informers hold GitRepos with the status the services write, without a Job per GitRepo (Jobs
 * would make the run take the mock API server's half hour, see docs/performance.md). A size is measured once
 * every GitRepo has its {@code pollingCommit} and no GitRepo changed for {@code --quiet} seconds.
 * <p>
 * Arguments: sizes, cumulative (default {@code 1000 5000}), {@code --polling-interval=1h},
 * {@code --timeout=seconds} (per size, default 900), {@code --quiet=seconds} (default 5), {@code --untrimmed}
 * (the watcher's informer keeps whole GitRepos, {@code gitjob.watcher.trim-cache=false}: the comparison),
 * {@code --warm-up=50} (GitRepos registered before the sizes, counted in them; 0 for none),
 * {@code --dump=dir} (a heap dump of the watcher, job-service and metrics-service at the largest size, live
 * objects only, to find who holds what), {@code --every-series} (metrics-service also gets each GitRepo's Job
 * series, from events published as job-service publishes them: {@link EverySeries}).
 */
public final class HeapBench {

    private static final int REPOSITORIES = 4;
    private static final List<Sandbox.Service> MEASURED = List.of(Sandbox.Service.WATCHER, Sandbox.Service.JOB,
            Sandbox.Service.METRICS, Sandbox.Service.JANITOR);

    private HeapBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        String interval = "1h";
        Duration timeout = Duration.ofSeconds(900);
        Duration quiet = Duration.ofSeconds(5);
        boolean untrimmed = false;
        Path dumps = null;
        int warmUp = 50;
        boolean everySeries = false;
        for (String arg : args) {
            if (arg.equals("--every-series")) {
                everySeries = true;
            } else if (arg.startsWith("--dump=")) {
                dumps = Path.of(arg.substring(arg.indexOf('=') + 1)).toAbsolutePath();
            } else if (arg.startsWith("--warm-up=")) {
                warmUp = Integer.parseInt(arg.substring(arg.indexOf('=') + 1));
            } else if (arg.equals("--untrimmed")) {
                untrimmed = true;
            } else if (arg.startsWith("--polling-interval=")) {
                interval = arg.substring(arg.indexOf('=') + 1);
            } else if (arg.startsWith("--timeout=")) {
                timeout = Duration.ofSeconds(Long.parseLong(arg.substring(arg.indexOf('=') + 1)));
            } else if (arg.startsWith("--quiet=")) {
                quiet = Duration.ofSeconds(Long.parseLong(arg.substring(arg.indexOf('=') + 1)));
            } else if (arg.matches("\\d+")) {
                sizes.add(Integer.parseInt(arg));
            } else {
                System.err.println("unknown argument " + arg + "; see the class comment of " + HeapBench.class);
                System.exit(2);
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1_000, 5_000);
        }
        sizes = sizes.stream().sorted().toList();
        if (warmUp >= sizes.get(0)) {
            System.err.println("--warm-up=" + warmUp + " must be below the first size, " + sizes.get(0));
            System.exit(2);
        }
        Path root = Path.of("").toAbsolutePath();
        Path work = root.resolve("bench/target/heap-work" + (untrimmed ? "-untrimmed" : ""));
        Trees.deleteTree(work);
        Files.createDirectories(work);

        SandboxConfig config = new SandboxConfig();
        config.root = root;
        config.workDir = work;
        config.kafkaPort = Ports.anyFree();
        config.kafkaControllerPort = Ports.anyFree();
        config.apiPort = Ports.anyFree();
        config.watcherPort = Ports.anyFree();
        config.watcherWebhookPort = Ports.anyFree();
        config.jobPort = Ports.anyFree();
        config.metricsPort = Ports.anyFree();
        config.janitorPort = Ports.anyFree();
        config.jobTime = Duration.ZERO;
        config.pollingInterval = interval;
        config.sample = false;
        config.echo = false;
        if (untrimmed) {
            config.serviceEnv.put("GITJOB_WATCHER_TRIM_CACHE", "false");
        }
        progress((untrimmed ? "the watcher's informer keeping whole GitRepos; " : "") + "starting the sandbox (logs in " + work.resolve("logs") + ")");
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(work.resolve("bench-console.log"),
                StandardCharsets.UTF_8), true);
                Sandbox sandbox = Sandbox.start(config, line -> {
                    synchronized (log) {
                        log.println(line);
                    }
                })) {
            Thread stopOnExit = new Thread(sandbox::close, "heap-bench-shutdown");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            KubernetesClient client = sandbox.client();
            List<SampleRepo> repos = new ArrayList<>();
            for (int r = 0; r < REPOSITORIES; r++) {
                repos.add(SampleRepo.createIfAbsent(work.resolve("repos/repo-" + r), SampleRepo.sampleFiles()));
            }
            Map<Sandbox.Service, Long> pids = new LinkedHashMap<>();
            for (Sandbox.Service s : MEASURED) {
                pids.put(s, HeapProbe.childRunning(s.module + "/target/quarkus-app/quarkus-run.jar")
                        .orElseThrow(() -> new IllegalStateException("no process of " + s.module)));
            }
            EverySeries series = everySeries ? new EverySeries(sandbox.bootstrapServers(),
                    "http://localhost:" + config.metricsPort) : null;
            Map<Integer, Map<Sandbox.Service, Long>> heap = new LinkedHashMap<>();
            progress("0 GitRepos: heap after a full GC");
            heap.put(0, heaps(pids));
            int registered = 0;
            List<Integer> steps = new ArrayList<>(sizes);
            if (warmUp > 0) {
                steps.add(0, warmUp);
            }
            for (int size : steps) {
                int from = registered;
                progress(size + " GitRepos: registering " + (size - from) + " more (paused, polling every "
                        + interval + ")");
                long start = System.nanoTime();
                parallel(from, size, i -> {
                    GitRepo g = sandbox.gitRepo(name(i), repos.get(i % REPOSITORIES), List.of("deploy"),
                            Map.of(JobRunner.SKIP_CHECK_ANNOTATION, "true"));
                    g.getSpec().setPaused(true);
                    client.resource(g).create();
                });
                registered = size;
                progress(String.format("%d GitRepos: created in %.1f s", size, (System.nanoTime() - start) / 1e9));
                awaitSettled(client, size, timeout, quiet);
                if (series != null) {
                    Map<String, GitRepo> byName = new java.util.HashMap<>();
                    client.resources(GitRepo.class).inNamespace(Sandbox.NAMESPACE).list().getItems()
                            .forEach(g -> byName.put(g.getMetadata().getName(), g));
                    List<io.gitjob.events.GitRepoRef> refs = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        GitRepo g = byName.get(name(i));
                        refs.add(new io.gitjob.events.GitRepoRef(g.getMetadata().getNamespace(),
                                g.getMetadata().getName(), g.getMetadata().getUid()));
                    }
                    series.publish(refs, from);
                    series.awaitSeries(size, timeout);
                    progress(size + " GitRepos: metrics-service shows every GitRepo's Job series");
                }
                progress(String.format("%d GitRepos: settled after %.1f s; heap after a full GC", size,
                        (System.nanoTime() - start) / 1e9));
                heap.put(size, heaps(pids));
            }
            // Where the largest size's heap goes: the classes with the most live bytes (jcmd GC.class_histogram
            // collects first), for the services with the most per GitRepo.
            for (Sandbox.Service s : List.of(Sandbox.Service.WATCHER, Sandbox.Service.JOB, Sandbox.Service.METRICS)) {
                String histogram = HeapProbe.jcmd(pids.get(s), "GC.class_histogram");
                System.out.println(s.module + " at " + registered + " GitRepos, the largest classes:");
                histogram.lines().skip(1).limit(22).forEach(System.out::println);
                if (dumps != null) {
                    Files.createDirectories(dumps);
                    Path dump = dumps.resolve(s.module + "-" + registered + ".hprof");
                    Files.deleteIfExists(dump);
                    HeapProbe.jcmd(pids.get(s), "GC.heap_dump " + dump);
                    System.out.println("# heap dump of " + s.module + ": " + dump);
                }
            }
            GitRepo sample = client.resources(GitRepo.class).inNamespace(Sandbox.NAMESPACE).withName(name(0)).get();
            String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(sample);
            System.out.println(table(heap, sizes, warmUp));
            System.out.println("A GitRepo as the API server holds it (" + json.length() + " bytes of JSON):");
            System.out.println(json);
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
        // The closed sandbox leaves Vert.x event-loop threads (not daemons) behind, which would keep this JVM,
        // and the build lock a caller holds around it, alive for ever once the figures are printed.
        System.exit(0);
    }

    private static Map<Sandbox.Service, Long> heaps(Map<Sandbox.Service, Long> pids) throws Exception {
        Map<Sandbox.Service, Long> bytes = new LinkedHashMap<>();
        for (var e : pids.entrySet()) {
            bytes.put(e.getKey(), HeapProbe.liveHeapBytes(e.getValue()));
        }
        return bytes;
    }

    /**
     * Until every GitRepo has the commit the watcher records, then until the GitRepos stop changing for
     * {@code quiet} (job-service's and the watcher's status writes done).
     */
    private static void awaitSettled(KubernetesClient client, int size, Duration timeout, Duration quiet)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastVersion = null;
        long unchangedSince = System.nanoTime();
        long nextReport = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            var list = client.resources(GitRepo.class).inNamespace(Sandbox.NAMESPACE).list();
            long withCommit = list.getItems().stream().filter(g -> g.getStatus() != null
                    && g.getStatus().getPollingCommit() != null).count();
            String version = list.getItems().stream().map(g -> g.getMetadata().getResourceVersion()).sorted()
                    .reduce("", (a, b) -> a + "," + b);
            if (!version.equals(lastVersion)) {
                lastVersion = version;
                unchangedSince = System.nanoTime();
            }
            if (withCommit == size && System.nanoTime() - unchangedSince >= quiet.toNanos()) {
                return;
            }
            if (System.nanoTime() > nextReport) {
                progress(String.format("%d GitRepos: %d listed, %d with their polled commit", size,
                        list.getItems().size(), withCommit));
                nextReport += 10_000_000_000L;
            }
            Thread.sleep(1_000);
        }
        progress(size + " GitRepos: not settled within " + timeout.toSeconds() + " s; measured as they are");
    }

    /**
     * Per service: the heap with none, with the warm-up GitRepos and at each size; per GitRepo against none (what
     * the earlier figures were: it counts once what the first GitRepos cost, classes loaded, serializers built,
     * buffers grown, 1.1-3.6 MiB per service on 2026-12-02), against the warm-up (what each further GitRepo costs) and
     * between two sizes.
     */
    private static String table(Map<Integer, Map<Sandbox.Service, Long>> heap, List<Integer> sizes, int warmUp) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-16s %10s", "service", "0"));
        if (warmUp > 0) {
            b.append(String.format(" %10s", warmUp));
        }
        for (int size : sizes) {
            b.append(String.format(" %10s %14s", size, "B/GitRepo@" + size));
            if (warmUp > 0) {
                b.append(String.format(" %18s", "after " + warmUp + "@" + size));
            }
        }
        for (int k = 1; k < sizes.size(); k++) {
            b.append(String.format(" %16s", "B/GitRepo " + sizes.get(k - 1) + "-" + sizes.get(k)));
        }
        b.append('\n');
        for (Sandbox.Service s : MEASURED) {
            long base = heap.get(0).get(s);
            b.append(String.format("%-16s %8.1f M", s.module, base / 1048576.0));
            if (warmUp > 0) {
                b.append(String.format(" %8.1f M", heap.get(warmUp).get(s) / 1048576.0));
            }
            for (int size : sizes) {
                long h = heap.get(size).get(s);
                b.append(String.format(" %8.1f M %14d", h / 1048576.0, (h - base) / size));
                if (warmUp > 0) {
                    b.append(String.format(" %18d", (h - heap.get(warmUp).get(s)) / (size - warmUp)));
                }
            }
            for (int k = 1; k < sizes.size(); k++) {
                int a = sizes.get(k - 1), z = sizes.get(k);
                b.append(String.format(" %16d", (heap.get(z).get(s) - heap.get(a).get(s)) / (z - a)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String name(int i) {
        return String.format("heap-%05d", i);
    }

    private static void progress(String line) {
        System.out.println("# " + line);
    }

    /** Runs {@code body} for from..to-1 on a few threads: the API server answers one request at a time per thread. */
    private static void parallel(int from, int to, java.util.function.IntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = from + t;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < to; i += 4) {
                        body.accept(i);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
