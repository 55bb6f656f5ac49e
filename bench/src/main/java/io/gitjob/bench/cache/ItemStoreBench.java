package io.gitjob.bench.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.job.cluster.DecisionFieldsTrim;
import io.gitjob.job.cluster.JobCacheTrim;
import io.gitjob.job.decision.Action;
import io.gitjob.job.template.JobFactory;
import io.gitjob.job.template.PodTemplate;
import io.gitjob.metrics.FailedJobFieldsTrim;
import io.gitjob.support.TrimmedItemStore;
import io.gitjob.watcher.CachedGitRepoTrim;

/**
 * What service-support's {@link TrimmedItemStore} costs in CPU: a put (trim, JSON, deflate, and the old copy read
 * back, as the informer asks for it) and a get (inflate, JSON) of a GitRepo shaped like the heap benchmark's
 * (paused, polled, with Fleet's finalizer, conditions and readiness), with the watcher's and job-service's trims,
 * and the bytes a packed GitRepo takes; then a failed Job kept for troubleshooting and its Pod, whole and as the
 * Job caches of metrics-service and job-service and job-service's Pod cache keep them. Command:
 * {@code java -cp "$PWD/bench/target/classes:$(cat bench/target/runtime-classpath.txt)" io.gitjob.bench.cache.ItemStoreBench [GitRepos]}
 * (default 5,000), after {@code ./mvnw -B -ntp -q install -DskipTests}.
 */
public final class ItemStoreBench {

    private ItemStoreBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<GitRepo> gitRepos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            gitRepos.add(gitRepo(i));
        }
        int json = serialization.asJson(gitRepos.get(n / 2)).length();
        System.out.printf("%d GitRepos, %d bytes of JSON each as the API server sends them%n", n, json);
        System.out.printf("%-14s %10s %10s %14s%n", "trim", "put µs", "get µs", "packed B/GitRepo");
        run("watcher", CachedGitRepoTrim::trim, gitRepos, serialization);
        run("job-service", DecisionFieldsTrim::trim, gitRepos, serialization);
        failedJobs(gitRepos, serialization);
    }

    /**
     * A failed Job as job-service makes it (its Pod template from job-service's own factory), kept for
     * troubleshooting, and its failed Pod: what a whole one costs on the heap (the heap used before and after
     * holding one per GitRepo, after a GC: an estimate) against what the services' caches keep of it, packed.
     */
    private static void failedJobs(List<GitRepo> gitRepos, KubernetesSerialization serialization) {
        JobFactory factory = new JobFactory(PodTemplate.load(null));
        List<Job> jobs = new ArrayList<>();
        for (GitRepo g : gitRepos) {
            Job job = factory.build(g, new Action.CreateJob(g.getMetadata().getName() + "-0123456789",
                    g.getStatus().getPollingCommit(), 1, 0));
            job.getMetadata().setUid(g.getMetadata().getUid().replace("00000000-", "11111111-"));
            job.getMetadata().setResourceVersion(g.getMetadata().getResourceVersion() + "1");
            job.getMetadata().setCreationTimestamp("2026-12-02T17:02:00Z");
            job.setStatus(new JobStatusBuilder().withFailed(1).withStartTime("2026-12-02T17:02:00Z")
                    .withConditions(new JobConditionBuilder().withType("FailureTarget").withStatus("True")
                            .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
                            .withLastProbeTime("2026-12-02T17:02:09Z").withLastTransitionTime("2026-12-02T17:02:09Z")
                            .build(), new JobConditionBuilder().withType("Failed").withStatus("True")
                            .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
                            .withLastProbeTime("2026-12-02T17:02:09Z").withLastTransitionTime("2026-12-02T17:02:09Z")
                            .build())
                    .build());
            jobs.add(job);
        }
        int json = serialization.asJson(jobs.get(jobs.size() / 2)).length();
        // Each Job parsed from its JSON, as an informer holds what it read, and only those held.
        List<String> texts = new ArrayList<>(jobs.size());
        jobs.forEach(j -> texts.add(serialization.asJson(j)));
        jobs.clear();
        long before = usedAfterGc();
        List<Job> held = new ArrayList<>(texts.size());
        texts.forEach(t -> held.add(serialization.unmarshal(t, Job.class)));
        long whole = (usedAfterGc() - before) / held.size();
        System.out.printf("failed Job: %d bytes of JSON; whole on the heap about %d B; packed: metrics-service's"
                + " cache %d B, job-service's %d B%n", json, whole,
                packed(held, FailedJobFieldsTrim::trim, Job.class, serialization),
                packed(held, JobCacheTrim::job, Job.class, serialization));
        // Its Pod, as the Job controller makes it from the template, failed as the kubelet reports it.
        List<String> podTexts = new ArrayList<>(held.size());
        for (Job job : held) {
            Pod pod = new PodBuilder().withNewMetadata().withNamespace(job.getMetadata().getNamespace())
                    .withName(job.getMetadata().getName() + "-x7k2p").withUid(job.getMetadata().getUid() + "p")
                    .withResourceVersion(job.getMetadata().getResourceVersion() + "2")
                    .withCreationTimestamp("2026-12-02T17:02:00Z")
                    .withLabels(job.getSpec().getTemplate().getMetadata() == null ? Map.of()
                            : job.getSpec().getTemplate().getMetadata().getLabels())
                    .endMetadata().withSpec(job.getSpec().getTemplate().getSpec()).withNewStatus().withPhase("Failed")
                    .addNewContainerStatus().withName("fleet").withImage("rancher/fleet:v0.16.1").withNewState()
                    .withNewTerminated().withExitCode(1).withReason("Error")
                    .withMessage("apply failed: bundle deploy: no such path").endTerminated().endState()
                    .endContainerStatus().endStatus().build();
            podTexts.add(serialization.asJson(pod));
        }
        held.clear();
        texts.clear();
        before = usedAfterGc();
        List<Pod> heldPods = new ArrayList<>(podTexts.size());
        podTexts.forEach(t -> heldPods.add(serialization.unmarshal(t, Pod.class)));
        long wholePod = (usedAfterGc() - before) / heldPods.size();
        System.out.printf("its failed Pod: %d bytes of JSON; whole on the heap about %d B; job-service's cache %d B"
                + " packed%n", podTexts.get(0).length(), wholePod,
                packed(heldPods, JobCacheTrim::pod, Pod.class, serialization));
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> long packed(List<T> objects,
            UnaryOperator<T> trim, Class<T> type, KubernetesSerialization serialization) {
        TrimmedItemStore<T> store = new TrimmedItemStore<>(type, trim, serialization);
        objects.forEach(o -> store.put(store.getKey(o), o));
        return store.keySet().mapToLong(store::packedSize).sum() / objects.size();
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void run(String name, UnaryOperator<GitRepo> trim, List<GitRepo> gitRepos,
            KubernetesSerialization serialization) {
        double put = 0;
        double get = 0;
        long packed = 0;
        // The first rounds warm the JIT; the last is the one reported.
        for (int round = 0; round < 5; round++) {
            TrimmedItemStore<GitRepo> store = new TrimmedItemStore<>(GitRepo.class, trim, serialization);
            long start = System.nanoTime();
            for (GitRepo g : gitRepos) {
                store.put(store.getKey(g), g);
            }
            for (GitRepo g : gitRepos) {
                store.put(store.getKey(g), g); // an update: the old copy is read back
            }
            put = (System.nanoTime() - start) / 1e3 / (2.0 * gitRepos.size());
            start = System.nanoTime();
            for (GitRepo g : gitRepos) {
                store.get(store.getKey(g));
            }
            get = (System.nanoTime() - start) / 1e3 / gitRepos.size();
            packed = store.keySet().mapToLong(store::packedSize).sum() / gitRepos.size();
        }
        System.out.printf("%-14s %10.1f %10.1f %14d%n", name, put, get, packed);
    }

    private static GitRepo gitRepo(int i) {
        GitRepo g = new GitRepo();
        ObjectMeta m = new ObjectMeta();
        m.setName(String.format("heap-%05d", i));
        m.setNamespace("fleet-local");
        m.setUid(String.format("00000000-0000-0000-0000-%012x", i + 25));
        m.setResourceVersion(Integer.toString(300 + 3 * i));
        m.setGeneration(1L);
        m.setFinalizers(List.of("fleet.cattle.io/gitrepo-finalizer"));
        m.setAnnotations(Map.of("gitjob.io/polled-source", String.format("%016x", i * 0x9E3779B97F4A7C15L)));
        m.setCreationTimestamp("2026-12-02T17:01:00Z");
        g.setMetadata(m);
        GitRepoSpec s = new GitRepoSpec();
        s.setRepo("https://github.com/example/fleet-apps-" + (i % 4) + ".git");
        s.setBranch("main");
        s.setPaths(List.of("deploy"));
        s.setPollingInterval("1h");
        s.setPaused(true);
        g.setSpec(s);
        GitRepoStatus st = new GitRepoStatus();
        st.setPollingCommit(String.format("%040x", (long) i * 0x2545F4914F6CDD1DL));
        st.setLastPollingTriggered(String.format("2026-12-02T17:01:%02d.%09dZ", i % 60, i * 7919 % 1_000_000_000));
        GitRepoCondition ready = new GitRepoCondition("Ready", "True", null, null);
        ready.setLastUpdateTime("2026-12-02T17:01:00Z");
        GitRepoCondition polling = new GitRepoCondition("GitPolling", "True", null, null);
        polling.setLastUpdateTime(st.getLastPollingTriggered());
        polling.setLastTransitionTime(st.getLastPollingTriggered());
        st.setConditions(List.of(ready, polling));
        st.setReadyClusters(0);
        st.setDesiredReadyClusters(0);
        g.setStatus(st);
        return g;
    }
}
