package io.gitjob.bench.job;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.job.cluster.ClusterState;
import io.gitjob.job.decision.JobDecisions;
import io.gitjob.job.mode.JobModes;
import io.gitjob.support.WorkQueue;
import io.gitjob.testing.GitRepoCrdSetup;

/**
 * What job-service's periodic resync costs at a size: every GitRepo goes through the work queue and job-service's
 * rule over the informer caches, as a resync does (the informer hands each GitRepo in again). The GitRepos are
 * settled (their wanted commit applied), the steady state a resync mostly finds. Prints the resync's wall and
 * CPU time and the API requests it made (the rule asks the API server only when the caches show work to do).
 *
 * <p>{@code java -cp ... io.gitjob.bench.job.ResyncBench [gitRepos=10000] [rounds=5] [workers=4]}; see
 * docs/performance.md. The API server is Fabric8's mock; the caches are Fabric8's informers, as job-service's.
 */
public final class ResyncBench {

    private ResyncBench() {
    }

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        new GitRepoCrdSetup().accept(server);
        try {
            KubernetesClient client = server.getClient();
            System.out.printf(Locale.ROOT, "Creating %,d settled GitRepos...%n", size);
            for (int i = 0; i < size; i++) {
                client.resource(settled(i)).create();
            }
            SharedIndexInformer<GitRepo> gitRepos = client.resources(GitRepo.class).inAnyNamespace().inform();
            SharedIndexInformer<Job> jobs = client.batch().v1().jobs().inAnyNamespace()
                    .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE).inform();
            jobs.addIndexers(Map.of("gitrepo", j -> List.of(j.getMetadata().getNamespace() + "/"
                    + j.getMetadata().getLabels().get(JobConventions.GITREPO_LABEL))));
            while (!gitRepos.hasSynced() || !jobs.hasSynced()) {
                Thread.onSpinWait();
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            System.out.printf(Locale.ROOT, "%n%-7s %10s %10s %12s %13s %12s%n", "round", "GitRepos", "wall ms",
                    "CPU ms", "CPU µs/GitRepo", "API requests");
            for (int round = 1; round <= rounds; round++) {
                AtomicInteger withActions = new AtomicInteger();
                CountDownLatch done = new CountDownLatch(size);
                java.util.function.Consumer<GitRepoKey> reconcile = key -> {
                            var decision = JobDecisions.reconcile(
                                    ClusterState.view(Optional.ofNullable(gitRepos.getStore()
                                            .getByKey(key.namespace() + "/" + key.name())),
                                            g -> JobModes.choose("kubectl", false, null)),
                                    ClusterState.views(jobs.getIndexer().byIndex("gitrepo", key.toString())));
                            if (!decision.isNothing()) {
                                withActions.incrementAndGet();
                            }
                            done.countDown();
                        };
                try (WorkQueue<GitRepoKey> queue = new WorkQueue<>("resync", workers, Duration.ofSeconds(1),
                        Duration.ofMinutes(5), reconcile).start()) {
                    int requestsBefore = server.getKubernetesMockServer().getRequestCount();
                    long cpuBefore = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    gitRepos.getStore().list().forEach(g -> queue.add(new GitRepoKey(g.getMetadata().getNamespace(),
                            g.getMetadata().getName())));
                    if (!done.await(10, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("resync did not finish");
                    }
                    double wallMs = (System.nanoTime() - start) / 1e6;
                    double cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1e6;
                    int requests = server.getKubernetesMockServer().getRequestCount() - requestsBefore;
                    System.out.printf(Locale.ROOT, "%-7d %,10d %10.1f %12.1f %13.2f %12d%s%n", round, size, wallMs,
                            cpuMs, cpuMs * 1000 / size, requests,
                            withActions.get() == 0 ? "" : "  (" + withActions.get() + " decisions with actions!)");
                }
            }
            System.out.printf(Locale.ROOT, "%nmachine: %d cores, %s %s; %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"), System.getProperty("java.version"), Instant.now());
            gitRepos.stop();
            jobs.stop();
        } finally {
            server.after();
        }
        System.exit(0);
    }

    private static GitRepo settled(int i) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-" + (i % 4)).withName("repo-" + i)
                .withGeneration(1L).withUid("uid-" + i).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/repo-" + i + ".git");
        spec.setBranch("main");
        gitRepo.setSpec(spec);
        GitRepoStatus status = new GitRepoStatus();
        String commit = String.format("%040x", i);
        status.setPollingCommit(commit);
        status.setCommit(commit);
        status.setObservedGeneration(1L);
        status.setUpdateGeneration(0L);
        status.setGitJobStatus("Current");
        gitRepo.setStatus(status);
        return gitRepo;
    }
}
