package io.gitjob.bench.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

import org.eclipse.jgit.api.Git;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.bench.Latencies;
import io.gitjob.bench.kafka.KafkaBaseline;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.sandbox.JobRunner;
import io.gitjob.sandbox.Ports;
import io.gitjob.sandbox.SampleRepo;
import io.gitjob.sandbox.Sandbox;
import io.gitjob.sandbox.SandboxConfig;
import io.gitjob.sandbox.Trees;

/**
 * The pipeline through the real services: the sandbox (a real KRaft broker, <b>Fabric8's mock API server</b>,
 * the sandbox's Job runner playing the kubelet, the four services as separate processes from their built
 * jars), with {@code gitRepos} GitRepos on a few local Git repositories that the real watcher polls.
 *
 * <ol>
 * <li>the raw Kafka baseline ({@link KafkaBaseline}) on the sandbox's broker, as many records as GitRepos, on a
 * topic of its own so no service sees them;</li>
 * <li><b>register</b>: every GitRepo created at once; the watcher polls each at once and finds its first commit,
 * so this wave is a flood, the pipeline at full speed;</li>
 * <li><b>commit</b>: one commit to each shared repository; every GitRepo finds it on its next poll, spread over
 * one polling interval, as a push to a busy monorepo would be;</li>
 * <li>heap of each service after a full GC, and the scrape of metrics-service, with every GitRepo registered;</li>
 * <li><b>delete</b>: every GitRepo deleted at once while {@code /q/metrics} is scraped back to back.</li>
 * </ol>
 */
public final class PipelineBench {

    /** Shared local repositories the GitRepos point at, round robin. */
    private static final int REPOSITORIES = 4;
    private static final String BASELINE_TOPIC = "bench-baseline";
    private static final String NS = Sandbox.NAMESPACE;

    /** A stage's figures in one wave. */
    public record Stage(String wave, String stage, int expected, Latencies latencies) {
    }

    /** Heap after a full GC of one service's process. */
    public record Heap(String service, long liveBytes) {
    }

    /** Everything measured at one size. */
    public record Result(int gitRepos, String pollingInterval, KafkaBaseline.Result baseline, List<Stage> stages,
            List<Heap> heap, double scrapeSecondsMedian, long scrapeBytes, int scrapesDuringDelete,
            List<WaveCost> costs) {

        /** A stage's throughput as a share of raw Kafka's on the same broker in the same run. */
        public double ratioToKafka(Stage stage) {
            return stage.latencies().eventsPerSecond() / baseline.latencies().eventsPerSecond();
        }
    }

    /** Above this many GitRepos the defaults spare the machine: see {@link Options}. */
    public static final int LARGE = 2_000;

    /** Settings of a run. */
    public static final class Options {
        /**
         * spec.pollingInterval of every GitRepo; null: Fleet's 15 s up to {@link #LARGE} GitRepos, 5 min above
         * (10,000 GitRepos at 15 s are 667 polls/s, more than this 2-core machine can fetch beside the rest).
         */
        public String pollingInterval;
        /**
         * Run the commit wave; null: up to {@link #LARGE} GitRepos only (above, the mock API server, which scans
         * every object it stores on each request, makes a second wave of 10,000 Jobs take half an hour).
         */
        public Boolean commitWave;
        /** Clone and check each Job's manifests as the sandbox does by default, instead of succeeding at once. */
        public boolean checkManifests = false;
        public Duration waveTimeout;
        /** The sandbox's job mode (fleet, its default, or kubectl); null: the sandbox's default. */
        public String jobMode;
        public Path root = Path.of("").toAbsolutePath();
    }

    private final int size;
    private final Options options;
    private final PrintWriter log;
    private Sandbox sandbox;
    private KubernetesClient client;
    private EventTap events;
    private JobTap jobs;

    private PipelineBench(int size, Options options, PrintWriter log) {
        this.size = size;
        this.options = options;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        io.gitjob.bench.AllBenchmarks.main(args);
    }

    /** Runs every step at {@code size} GitRepos in a sandbox of its own; progress lines go to {@code progress}. */
    public static Result run(int size, Options options, java.util.function.Consumer<String> progress)
            throws Exception {
        Path work = options.root.resolve("bench/target/pipeline-work-" + size);
        Trees.deleteTree(work);
        Files.createDirectories(work);
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(work.resolve("bench-console.log"),
                StandardCharsets.UTF_8), true)) {
            PipelineBench bench = new PipelineBench(size, options, log);
            return bench.runIn(work, progress);
        }
    }

    private Result runIn(Path work, java.util.function.Consumer<String> progress) throws Exception {
        SandboxConfig config = new SandboxConfig();
        config.root = options.root;
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
        if (options.jobMode != null) {
            config.jobMode = options.jobMode;
        }
        String interval = options.pollingInterval != null ? options.pollingInterval : size <= LARGE ? "15s" : "5m";
        boolean commitWave = options.commitWave != null ? options.commitWave : size <= LARGE;
        config.pollingInterval = interval;
        config.sample = false;
        config.echo = false;
        Duration timeout = options.waveTimeout != null ? options.waveTimeout
                : Duration.ofSeconds(Math.max(180, size / 15));
        progress.accept(size + " GitRepos: starting the sandbox (logs in " + work.resolve("logs") + ")");
        sandbox = Sandbox.start(config, line -> {
            synchronized (log) {
                log.println(line);
            }
        });
        // Ctrl-C or a timeout must not leave the four services running: only the broker and API server watch
        // their parent.
        Sandbox started = sandbox;
        Thread stopOnExit = new Thread(started::close, "pipeline-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            client = sandbox.client();
            String bootstrap = sandbox.bootstrapServers();

            progress.accept(size + " GitRepos: raw Kafka baseline on the sandbox's broker");
            KafkaBaseline.ensureTopic(bootstrap, BASELINE_TOPIC, config.partitions);
            KafkaBaseline.run(bootstrap, BASELINE_TOPIC, 2_000); // warm-up: connections, JIT
            KafkaBaseline.Result baseline = KafkaBaseline.run(bootstrap, BASELINE_TOPIC, size);

            events = new EventTap(bootstrap);
            jobs = new JobTap(client, NS);
            List<SampleRepo> repos = new ArrayList<>();
            for (int r = 0; r < REPOSITORIES; r++) {
                repos.add(SampleRepo.createIfAbsent(work.resolve("repos/repo-" + r), SampleRepo.sampleFiles()));
            }
            List<Stage> stages = new ArrayList<>();
            List<WaveCost> costs = new ArrayList<>();
            Map<String, Long> pids = processes();

            // Wave 1: register every GitRepo at once.
            Map<String, String> expected = expectedCommits(repos);
            progress.accept(size + " GitRepos: register wave (create all, each polled at once)");
            WaveCost.Start registerCost = WaveCost.start("register", sandbox.faults(), pids);
            JobServiceSteps registerSteps = JobServiceSteps.start(sandbox.url(Sandbox.Service.JOB));
            long createStart = System.nanoTime();
            parallel(size, i -> client.resource(gitRepo(i, repos.get(i % REPOSITORIES))).create());
            progress.accept(String.format("%d GitRepos: created in %.1f s", size,
                    (System.nanoTime() - createStart) / 1e9));
            awaitJobsDeleted("register", expected, timeout, progress);
            costs.add(registerCost.end());
            registerSteps.end("register").forEach(l -> progress.accept(size + " GitRepos: " + l));
            stages.addAll(pipelineStages("register", expected, Map.of()));

            // Wave 2: a commit to each shared repository, found by the next poll of each GitRepo.
            if (commitWave) {
            progress.accept(size + " GitRepos: commit wave (one commit per shared repository)");
            Map<String, Long> committedAt = new HashMap<>();
            WaveCost.Start commitCost = WaveCost.start("commit", sandbox.faults(), pids);
            JobServiceSteps commitSteps = JobServiceSteps.start(sandbox.url(Sandbox.Service.JOB));
            for (int r = 0; r < REPOSITORIES; r++) {
                repos.get(r).commit("bench commit", Map.of("deploy/configmap.yaml",
                        SampleRepo.sampleFiles().get("deploy/configmap.yaml") + "  bench: \"" + r + "\"\n"));
                committedAt.put(repos.get(r).url(), System.currentTimeMillis());
            }
            Map<String, String> expected2 = expectedCommits(repos);
            Map<String, Long> commitTimeOf = new HashMap<>();
            for (int i = 0; i < size; i++) {
                commitTimeOf.put(name(i), committedAt.get(repos.get(i % REPOSITORIES).url()));
            }
            awaitJobsDeleted("commit", expected2, timeout, progress);
            costs.add(commitCost.end());
            commitSteps.end("commit").forEach(l -> progress.accept(size + " GitRepos: " + l));
            stages.addAll(pipelineStages("commit", expected2, commitTimeOf));
            }

            // Heap and scrape with every GitRepo registered and its Jobs run (before the idle wave adds its own).
            List<Heap> heap = heapOfEachService(progress);

            // Wave 4: the latency without load, beside the same registered GitRepos.
            if (commitWave) {
                idleWave(work, stages, costs, pids, timeout, progress);
            }

            String metricsUrl = sandbox.url(Sandbox.Service.METRICS);
            List<SeriesScrape> warm = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                warm.add(SeriesScrape.of(metricsUrl));
            }
            double scrapeMedian = warm.stream().mapToDouble(SeriesScrape::seconds).sorted().toArray()[2];
            SeriesScrape before = warm.get(warm.size() - 1);
            long missing = expected.keySet().stream().filter(n -> !before.gitRepos().contains(n)).count();
            if (missing > 0) {
                progress.accept(size + " GitRepos: " + missing + " GitRepos have no series before the delete wave");
            }

            // Wave 3: delete every GitRepo at once; scrape back to back until every series is gone.
            progress.accept(size + " GitRepos: delete wave, scraping /q/metrics back to back");
            int scrapes = deleteWave(expected.keySet(), metricsUrl, timeout, stages, progress);
            costs.forEach(c -> c.lines().forEach(line -> progress.accept(size + " GitRepos: " + line)));
            return new Result(size, interval, baseline, stages, heap, scrapeMedian, before.bytes(),
                    scrapes, costs);
        } finally {
            if (events != null) {
                events.close();
            }
            if (jobs != null) {
                jobs.close();
            }
            sandbox.close();
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    /** The processes whose CPU time a wave's cost counts: the four services, the API server, the broker, this JVM. */
    private Map<String, Long> processes() {
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        for (Sandbox.Service s : Sandbox.Service.values()) {
            pids.put(s.module, HeapProbe.childRunning(s.module + "/target/quarkus-app/quarkus-run.jar")
                    .orElseThrow(() -> new IllegalStateException("no process of " + s.module)));
        }
        pids.put("kube-api (mock + front)", sandbox.pid(Sandbox.Infrastructure.KUBE_API));
        pids.put("kafka", sandbox.pid(Sandbox.Infrastructure.KAFKA));
        pids.put("bench (Job runner, taps)", ProcessHandle.current().pid());
        return pids;
    }

    private List<Heap> heapOfEachService(java.util.function.Consumer<String> progress) throws Exception {
        progress.accept(size + " GitRepos: heap after a full GC, per service");
        List<Heap> heap = new ArrayList<>();
        for (Sandbox.Service s : Sandbox.Service.values()) {
            long pid = HeapProbe.childRunning(s.module + "/target/quarkus-app/quarkus-run.jar")
                    .orElseThrow(() -> new IllegalStateException("no process of " + s.module));
            heap.add(new Heap(s.module, HeapProbe.liveHeapBytes(pid)));
        }
        return heap;
    }

    /** The idle wave's GitRepos, each of its own repository, so that one commit is one Job. */
    static final int IDLE_COMMITS = 50;
    static final Duration IDLE_PACE = Duration.ofSeconds(2);

    /**
     * Issue 18's idle figure: {@link #IDLE_COMMITS} GitRepos of their own repositories, registered (their first
     * Jobs run, not measured), then one commit every {@link #IDLE_PACE}, each found by its GitRepo's next poll.
     */
    private void idleWave(Path work, List<Stage> stages, List<WaveCost> costs, Map<String, Long> pids, Duration timeout,
            java.util.function.Consumer<String> progress) throws Exception {
        progress.accept(size + " GitRepos: idle wave (" + IDLE_COMMITS + " GitRepos of their own, one commit every "
                + IDLE_PACE.toSeconds() + " s)");
        List<SampleRepo> repos = new ArrayList<>();
        Map<String, String> registered = new LinkedHashMap<>();
        for (int k = 0; k < IDLE_COMMITS; k++) {
            SampleRepo repo = SampleRepo.createIfAbsent(work.resolve("repos/idle-" + k), SampleRepo.sampleFiles());
            repos.add(repo);
            client.resource(sandbox.gitRepo(idleName(k), repo, List.of("deploy"), options.checkManifests ? Map.of()
                    : Map.of(JobRunner.SKIP_CHECK_ANNOTATION, "true"))).create();
            try (Git git = Git.open(repo.dir().toFile())) {
                registered.put(idleName(k), git.getRepository().resolve("HEAD").name());
            }
        }
        awaitJobsDeleted("idle registration", registered, timeout, progress);
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, Long> committedAt = new HashMap<>();
        WaveCost.Start cost = WaveCost.start("idle", sandbox.faults(), pids);
        JobServiceSteps steps = JobServiceSteps.start(sandbox.url(Sandbox.Service.JOB));
        for (int k = 0; k < IDLE_COMMITS; k++) {
            expected.put(idleName(k), repos.get(k).commit("idle commit", Map.of("deploy/configmap.yaml",
                    SampleRepo.sampleFiles().get("deploy/configmap.yaml") + "  idle: \"" + k + "\"\n")));
            committedAt.put(idleName(k), System.currentTimeMillis());
            Thread.sleep(IDLE_PACE.toMillis()); // the wave's pace, not a wait for anything
        }
        awaitJobsDeleted("idle", expected, timeout, progress);
        costs.add(cost.end());
        steps.end("idle").forEach(l -> progress.accept(size + " GitRepos: " + l));
        stages.addAll(pipelineStages("idle", expected, committedAt));
    }

    private static String idleName(int k) {
        return String.format("idle-%02d", k);
    }

    /** A GitRepo of the benchmark; its Jobs succeed without a clone unless manifests are checked. */
    private GitRepo gitRepo(int i, SampleRepo repo) {
        return sandbox.gitRepo(name(i), repo, List.of("deploy"), options.checkManifests ? Map.of()
                : Map.of(JobRunner.SKIP_CHECK_ANNOTATION, "true"));
    }

    private static String name(int i) {
        return String.format("bench-%05d", i);
    }

    /** GitRepo name to the commit its Job must apply: the head of its repository. */
    private Map<String, String> expectedCommits(List<SampleRepo> repos) throws IOException {
        List<String> heads = new ArrayList<>();
        for (SampleRepo r : repos) {
            try (Git git = Git.open(r.dir().toFile())) {
                heads.add(git.getRepository().resolve("HEAD").name());
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            expected.put(name(i), heads.get(i % REPOSITORIES));
        }
        return expected;
    }

    private void awaitJobsDeleted(String wave, Map<String, String> expected, Duration timeout,
            java.util.function.Consumer<String> progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = System.nanoTime() + 10_000_000_000L;
        while (true) {
            int detected = count(expected, events.commitDetected);
            int created = count(expected, events.jobCreated);
            int deleted = count(expected, events.jobDeleted);
            if (deleted == expected.size() && count(expected, jobs.deletedSeen) == expected.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                progress.accept(String.format("%d GitRepos: %s wave timed out after %d s: %d detected, %d Jobs "
                        + "created, %d deleted; figures below are of those", size, wave, timeout.toSeconds(),
                        detected, created, deleted));
                return;
            }
            if (System.nanoTime() > nextReport) {
                progress.accept(String.format("%d GitRepos: %s wave: %d commits detected, %d Jobs created, "
                        + "%d succeeded, %d deleted", size, wave, detected, created, count(expected, jobs.succeededSeen),
                        deleted));
                nextReport += 10_000_000_000L;
            }
            Thread.sleep(200);
        }
    }

    private static int count(Map<String, String> expected, Map<String, Long> seen) {
        int n = 0;
        for (var e : expected.entrySet()) {
            if (seen.containsKey(EventTap.key(e.getKey(), e.getValue()))) {
                n++;
            }
        }
        return n;
    }

    /**
     * The wave's stages: commit detected to Job created (record timestamps, ms), Job seen succeeded to Job seen
     * deleted (one watch, ns), the whole of it (commit detected to Job deleted event); and, when the commit
     * times are known, commit to detected (the polling delay).
     */
    private List<Stage> pipelineStages(String wave, Map<String, String> expected, Map<String, Long> commitTimeOf) {
        List<Long> pushToDetect = new ArrayList<>();
        List<Long> detectToCreate = new ArrayList<>();
        List<Long> succeedToDelete = new ArrayList<>();
        List<Long> detectToDeleted = new ArrayList<>();
        long firstCommit = Long.MAX_VALUE, firstDetect = Long.MAX_VALUE, lastDetect = Long.MIN_VALUE;
        long lastCreate = Long.MIN_VALUE, firstSucceeded = Long.MAX_VALUE, lastDeletedSeen = Long.MIN_VALUE;
        long lastDeletedEvent = Long.MIN_VALUE;
        for (var e : expected.entrySet()) {
            String k = EventTap.key(e.getKey(), e.getValue());
            Long detected = events.commitDetected.get(k);
            Long created = events.jobCreated.get(k);
            Long deletedEvent = events.jobDeleted.get(k);
            Long succeeded = jobs.succeededSeen.get(k);
            Long deleted = jobs.deletedSeen.get(k);
            Long committed = commitTimeOf.get(e.getKey());
            if (detected != null && committed != null) {
                pushToDetect.add((detected - committed) * 1_000_000);
                firstCommit = Math.min(firstCommit, committed);
                lastDetect = Math.max(lastDetect, detected);
            }
            if (detected != null && created != null) {
                detectToCreate.add((created - detected) * 1_000_000);
                firstDetect = Math.min(firstDetect, detected);
                lastCreate = Math.max(lastCreate, created);
            }
            if (succeeded != null && deleted != null) {
                succeedToDelete.add(deleted - succeeded);
                firstSucceeded = Math.min(firstSucceeded, succeeded);
                lastDeletedSeen = Math.max(lastDeletedSeen, deleted);
            }
            if (detected != null && deletedEvent != null) {
                detectToDeleted.add((deletedEvent - detected) * 1_000_000);
                lastDeletedEvent = Math.max(lastDeletedEvent, deletedEvent);
            }
        }
        List<Stage> stages = new ArrayList<>();
        if (!commitTimeOf.isEmpty()) {
            stages.add(new Stage(wave, "commit pushed -> commit detected", expected.size(),
                    Latencies.of(pushToDetect, (lastDetect - firstCommit) * 1_000_000)));
        }
        stages.add(new Stage(wave, "commit detected -> Job created", expected.size(),
                Latencies.of(detectToCreate, (lastCreate - firstDetect) * 1_000_000)));
        stages.add(new Stage(wave, "Job succeeded -> Job deleted", expected.size(),
                Latencies.of(succeedToDelete, lastDeletedSeen - firstSucceeded)));
        stages.add(new Stage(wave, "commit detected -> Job deleted", expected.size(),
                Latencies.of(detectToDeleted, (lastDeletedEvent - firstDetect) * 1_000_000)));
        return stages;
    }

    /** Deletes every GitRepo and scrapes until none has a series left; the number of scrapes it took. */
    private int deleteWave(java.util.Set<String> names, String metricsUrl, Duration timeout,
            List<Stage> stages, java.util.function.Consumer<String> progress) throws Exception {
        Map<String, Long> deletedAt = new ConcurrentHashMap<>();
        Map<String, Long> goneAt = new HashMap<>();
        List<String> all = new ArrayList<>(names);
        ExecutorService deleter = Executors.newSingleThreadExecutor();
        Future<?> deleting = deleter.submit(() -> parallel(all.size(), i -> {
            deletedAt.put(all.get(i), System.nanoTime());
            client.resources(GitRepo.class).inNamespace(NS).withName(all.get(i)).delete();
        }));
        long deadline = System.nanoTime() + timeout.toNanos();
        int scrapes = 0;
        long nextReport = System.nanoTime() + 10_000_000_000L;
        while (goneAt.size() < all.size() && System.nanoTime() < deadline) {
            SeriesScrape s = SeriesScrape.of(metricsUrl);
            scrapes++;
            for (var e : deletedAt.entrySet()) {
                // Gone in this scrape only if deleted before it began: the scrape is the resolution.
                if (!goneAt.containsKey(e.getKey()) && e.getValue() < s.startNanos()
                        && !s.gitRepos().contains(e.getKey())) {
                    goneAt.put(e.getKey(), s.endNanos());
                }
            }
            if (System.nanoTime() > nextReport) {
                progress.accept(String.format("%d GitRepos: delete wave: %d deleted, %d without series "
                        + "(%d scrapes, last %.2f s)", size, deletedAt.size(), goneAt.size(), scrapes, s.seconds()));
                nextReport += 10_000_000_000L;
            }
        }
        deleting.get();
        deleter.shutdown();
        if (goneAt.size() < all.size()) {
            progress.accept(size + " GitRepos: delete wave timed out: " + (all.size() - goneAt.size())
                    + " GitRepos still have series");
        }
        List<Long> latencies = new ArrayList<>();
        for (var e : goneAt.entrySet()) {
            latencies.add(e.getValue() - deletedAt.get(e.getKey()));
        }
        long first = deletedAt.values().stream().min(Comparator.naturalOrder()).orElse(0L);
        long last = goneAt.values().stream().max(Comparator.naturalOrder()).orElse(0L);
        stages.add(new Stage("delete", "GitRepo deleted -> series gone from /q/metrics", all.size(),
                Latencies.of(latencies, last - first)));
        return scrapes;
    }

    /** Runs {@code body} for 0..n-1 on a few threads: the API server answers one request at a time per thread. */
    private static void parallel(int n, IntConsumer body) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            int chunk = (n + 3) / 4;
            for (int t = 0; t < 4; t++) {
                int from = t * chunk;
                int to = Math.min(n, from + chunk);
                futures.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) {
                        body.accept(i);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
    }
}
