package io.gitjob.bench.watcher;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.transport.resolver.FileResolver;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoState;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.watcher.Observed;
import io.gitjob.watcher.poll.GitCredentials;
import io.gitjob.watcher.poll.RemoteHeads;

/**
 * The watcher's figures (docs/watcher.md, "Figures"):
 * <ol>
 * <li>polls per second, and per CPU-second of the polling threads, against JGit's HTTP Git server on this
 * machine serving 1,000 repositories, with the watcher's own ls-remote code ({@link RemoteHeads}) on 8 fetch
 * threads (the default);</li>
 * <li>the heap the watcher holds for 10,000 GitRepos: the informer's cached GitRepo objects plus the
 * tracker's state and times.</li>
 * </ol>
 * Run: {@code ./mvnw -B -q -o -pl bench exec:java -Dexec.mainClass=io.gitjob.bench.watcher.WatcherBench}
 * (optional args: repositories, rounds, threads, gitRepos).
 */
public final class WatcherBench {

    public static void main(String[] args) throws Exception {
        int repositories = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int gitRepos = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        System.out.printf("cores: %d, max heap: %d MiB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        polls(repositories, rounds, threads);
        heap(gitRepos);
        System.exit(0);
    }

    private static void polls(int repositories, int rounds, int threads) throws Exception {
        Path dir = Files.createTempDirectory("watcher-bench");
        long made = System.nanoTime();
        for (int i = 0; i < repositories; i++) {
            File repo = dir.resolve("repo-" + i).toFile();
            try (Git git = Git.init().setDirectory(repo).setInitialBranch("main").call()) {
                Files.writeString(repo.toPath().resolve("file.txt"), "content " + i);
                git.add().addFilepattern("file.txt").call();
                git.commit().setMessage("first").setAuthor("b", "b@example.com").setCommitter("b", "b@example.com")
                        .setSign(false).call();
            }
        }
        System.out.printf("made %d repositories in %.1f s%n", repositories, (System.nanoTime() - made) / 1e9);

        AppServer server = new AppServer();
        ServletContextHandler context = server.addContext("/git");
        GitServlet servlet = new GitServlet();
        servlet.setRepositoryResolver(new FileResolver<>(dir.toFile(), true));
        context.addServlet(new ServletHolder(servlet), "/*");
        server.setUp();
        String base = "http://localhost:" + server.getPort() + "/git/";
        RemoteHeads remote = new RemoteHeads(Duration.ofSeconds(30));
        List<io.gitjob.events.RepoSpec> specs = new ArrayList<>();
        for (int i = 0; i < repositories; i++) {
            specs.add(new io.gitjob.events.RepoSpec(base + "repo-" + i, "main", null, null, null, null, null,
                    false, false, false));
        }

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        runRound(pool, remote, specs, threads, mx); // warm-up: JIT, connections
        long cpu = 0;
        long polls = 0;
        long start = System.nanoTime();
        long processCpuStart = processCpu();
        for (int r = 0; r < rounds; r++) {
            long[] roundResult = runRound(pool, remote, specs, threads, mx);
            polls += roundResult[0];
            cpu += roundResult[1];
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double processCpu = (processCpu() - processCpuStart) / 1e9;
        pool.shutdown();
        server.tearDown();
        System.out.printf("polls: %d in %.2f s on %d threads = %.0f polls/s (wall, client and server share the "
                + "machine)%n", polls, wall, threads, polls / wall);
        System.out.printf("client CPU (fetch threads): %.2f s = %.0f polls per CPU-second (polls/s per core)%n",
                cpu / 1e9, polls / (cpu / 1e9));
        System.out.printf("process CPU (client + JGit server in this JVM): %.2f s = %.0f polls per CPU-second%n",
                processCpu, polls / processCpu);
    }

    /** One poll of every repository; returns {polls, CPU nanoseconds of the polling threads}. */
    private static long[] runRound(ExecutorService pool, RemoteHeads remote, List<io.gitjob.events.RepoSpec> specs,
            int threads, ThreadMXBean mx) throws Exception {
        AtomicLong cpu = new AtomicLong();
        AtomicLong done = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            futures.add(pool.submit(() -> {
                long before = mx.getCurrentThreadCpuTime();
                for (int i = first; i < specs.size(); i += threads) {
                    try {
                        remote.head(specs.get(i), GitCredentials.NONE);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException("poll of " + specs.get(i).repo() + " failed", e);
                    }
                }
                cpu.addAndGet(mx.getCurrentThreadCpuTime() - before);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        return new long[] { done.get(), cpu.get() };
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void heap(int count) {
        long before = usedHeap();
        // What an informer caches per GitRepo: the object as the API server sends it (no managedFields here).
        List<GitRepo> cache = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            GitRepo gitRepo = new GitRepo();
            gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-ns-" + (i % 50))
                    .withName("gitrepo-" + i).withUid(java.util.UUID.randomUUID().toString())
                    .withGeneration(3L).withResourceVersion(Integer.toString(100_000 + i))
                    .withCreationTimestamp("2025-01-01T00:00:00Z")
                    .addToLabels("app.kubernetes.io/part-of", "fleet").build());
            GitRepoSpec spec = new GitRepoSpec();
            spec.setRepo("https://github.com/example-org/repository-" + i + ".git");
            spec.setBranch("main");
            spec.setPaths(List.of("deploy/overlays/production"));
            spec.setTargetNamespace("apps");
            spec.setPollingInterval("15s");
            gitRepo.setSpec(spec);
            cache.add(gitRepo);
        }
        long afterCache = usedHeap();
        // What the tracker keeps per owned GitRepo: its state (as on gitrepo-state) and its last event time.
        Map<GitRepoKey, GitRepoState> known = new HashMap<>();
        Map<GitRepoKey, Instant> times = new HashMap<>();
        for (GitRepo gitRepo : cache) {
            Observed o = Observed.of(gitRepo);
            Instant now = Instant.now();
            known.put(o.key(), new GitRepoState(o.ref(), o.generation(), o.forceSyncGeneration(), o.spec(),
                    "0123456789abcdef0123456789abcdef" + String.format("%08x", known.size()), now));
            times.put(o.key(), now);
        }
        long afterState = usedHeap();
        System.out.printf("heap for %d GitRepos: informer cache %.1f MiB (%.0f B each), tracker state %.1f MiB "
                + "(%.0f B each), total %.1f MiB%n", count, (afterCache - before) / 1048576.0,
                (afterCache - before) / (double) count, (afterState - afterCache) / 1048576.0,
                (afterState - afterCache) / (double) count, (afterState - before) / 1048576.0);
        if (cache.size() + known.size() + times.size() == 0) {
            System.out.println(); // keeps the structures reachable until measured
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }
}
