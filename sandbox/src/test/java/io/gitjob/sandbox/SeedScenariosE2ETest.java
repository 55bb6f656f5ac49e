package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.testing.Scrape;

/**
 * The seed scenarios of gitjob, end to end, as a user checks them in the cluster and on {@code /q/metrics}: the
 * four services as separate processes (their built {@code quarkus-run.jar}), a real Kafka broker in its own JVM,
 * and the sandbox's Kubernetes API, which is <b>Fabric8's mock API server</b> with the sandbox's Job runner
 * playing the kubelet. Nothing here sends an event: commits go to real Git repositories, which the watcher polls.
 * Each scenario has its own GitRepo, so they share one sandbox.
 */
class SeedScenariosE2ETest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The metrics-service's short-lived gauge TTL, short for the test (Fleet's 120 s in production). */
    private static final Duration GAUGE_TTL = Duration.ofSeconds(12);
    private static final String NS = Sandbox.NAMESPACE;

    private static Sandbox sandbox;
    private static KubernetesClient client;
    private static Path repos;
    private static SharedIndexInformer<Job> jobWatch;
    /** Every Job name seen per GitRepo, running or not: how a user watching {@code kubectl get jobs -w} sees them. */
    private static final Map<String, Set<String>> jobsSeen = new ConcurrentHashMap<>();
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startSandbox() throws Exception {
        Path work = Path.of("target", "e2e-work").toAbsolutePath();
        deleteTree(work);
        SandboxConfig config = new SandboxConfig();
        config.workDir = work;
        config.kafkaPort = Ports.anyFree();
        config.kafkaControllerPort = Ports.anyFree();
        config.apiPort = Ports.anyFree();
        config.watcherPort = Ports.anyFree();
        config.jobPort = Ports.anyFree();
        config.metricsPort = Ports.anyFree();
        config.janitorPort = Ports.anyFree();
        config.jobTime = Duration.ZERO;
        config.pollingInterval = "1s";
        config.sample = false;
        config.echo = false;
        config.serviceEnv.put("GITJOB_METRICS_SHORT_LIVED_TTL", GAUGE_TTL.toSeconds() + "s");
        sandbox = Sandbox.start(config, System.out::println);
        client = sandbox.client();
        repos = work.resolve("repos");
        jobWatch = client.batch().v1().jobs().inNamespace(NS).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                String gitRepo = job.getMetadata().getLabels() == null ? null
                        : job.getMetadata().getLabels().get(JobConventions.GITREPO_LABEL);
                if (gitRepo != null) {
                    jobsSeen.computeIfAbsent(gitRepo, k -> ConcurrentHashMap.newKeySet()).add(job.getMetadata().getName());
                }
            }

            @Override
            public void onUpdate(Job old, Job job) {
                onAdd(job);
            }

            @Override
            public void onDelete(Job job, boolean unknown) {
            }
        }, 0);
    }

    @AfterAll
    static void stopSandbox() {
        if (jobWatch != null) {
            jobWatch.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** Scenario 1 and 2: a commit runs a Job that succeeds and is deleted; a new commit gets a new Job, the same. */
    @Test
    void eachCommitRunsOneJobThatSucceedsAndIsDeletedAndTheGitRepoGetsItsMetrics() {
        SampleRepo repo = repo("first");
        String c1 = headOf(repo);
        sandbox.createGitRepo("first", repo, List.of("deploy"));

        awaitApplied("first", c1);
        assertEquals(1, seen("first").size(), "one Job for the first commit");
        assertTrue(jobsOf("first").isEmpty(), "the succeeded Job is deleted");
        await().atMost(WAIT).until(() -> metric("fleet_gitjobs_created_success_total", "first") == 1
                && metric("fleet_gitjob_duration_seconds_count", "first") == 1
                && metric("fleet_gitrepo_fetch_latest_commit_success_total", "first") >= 1);

        String c2 = repo.commit("a second commit", Map.of("deploy/configmap.yaml", configMap("two")));
        awaitApplied("first", c2);
        assertEquals(2, seen("first").size(), "a new Job for the new commit");
        assertTrue(jobsOf("first").isEmpty(), "that Job is deleted too");
        assertTrue(podsOf(seen("first")).isEmpty(), "and the Pods of both Jobs are gone with them");
        await().atMost(WAIT).until(() -> metric("fleet_gitjobs_created_success_total", "first") == 2
                && metric("fleet_gitjob_duration_seconds_count", "first") == 2);
    }

    /** Scenario 3: a broken commit fails, is kept and shows; fixing it gets a new Job that succeeds. */
    @Test
    void aBrokenCommitFailsAndStaysVisibleUntilAFixedCommitSucceeds() {
        SampleRepo repo = repo("broken");
        sandbox.createGitRepo("broken", repo, List.of("deploy"));
        awaitApplied("broken", headOf(repo));

        repo.commit("break it", Map.of("deploy/configmap.yaml", "data: [unclosed\n"));
        await().atMost(WAIT).until(() -> "Failed".equals(status("broken").getGitJobStatus()));
        GitRepoCondition stalled = condition("broken", "Stalled");
        assertEquals("True", stalled.getStatus());
        assertTrue(stalled.getMessage().contains("deploy/configmap.yaml"), stalled.getMessage());
        List<Job> kept = jobsOf("broken");
        assertEquals(1, kept.size(), "the failed Job is kept");
        String failedJob = kept.get(0).getMetadata().getName();
        await().atMost(WAIT).until(() -> metric("gitjob_failed_jobs_retained", "broken") == 1);

        String fixed = repo.commit("fix it", Map.of("deploy/configmap.yaml", configMap("fixed")));
        awaitApplied("broken", fixed);
        assertEquals("True", condition("broken", "Ready").getStatus());
        assertEquals(List.of(failedJob), jobsOf("broken").stream().map(j -> j.getMetadata().getName()).toList(),
                "only the failed Job is left: the fixed commit's Job succeeded and was deleted");
        assertEquals(3, seen("broken").size());
        await().atMost(WAIT).until(() -> metric("fleet_gitjobs_created_success_total", "broken") == 3
                && metric("fleet_gitjob_duration_seconds_count", "broken") == 2);
    }

    /** Scenario 4: a long-running Job is replaced once on a spec change, and once on a force sync. */
    @Test
    void aLongRunningJobIsReplacedExactlyOnceBySpecChangeAndByForceSync() {
        SampleRepo repo = repo("long");
        repo.commit("make the Jobs run long", JobRunner.longRunning(600));
        sandbox.createGitRepo("long", repo, List.of("deploy"));
        Job first = awaitOneRunningJob("long");
        assertEquals("1", first.getMetadata().getLabels().get(JobConventions.GITREPO_GENERATION_LABEL));

        client.resources(GitRepo.class).inNamespace(NS).withName("long").edit(g -> {
            g.getSpec().setPaths(List.of("deploy", "."));
            return g;
        });
        await().atMost(WAIT).until(() -> jobsOf("long").stream().allMatch(j -> "2".equals(
                j.getMetadata().getLabels().get(JobConventions.GITREPO_GENERATION_LABEL))) && jobsOf("long").size() == 1);
        Job second = jobsOf("long").get(0);

        client.resources(GitRepo.class).inNamespace(NS).withName("long").edit(g -> {
            g.getSpec().setForceSyncGeneration(1L);
            return g;
        });
        await().atMost(WAIT).until(() -> jobsOf("long").stream().allMatch(j -> "1".equals(
                j.getMetadata().getLabels().get(JobConventions.FORCE_SYNC_GENERATION_LABEL))) && jobsOf("long").size() == 1);
        Job third = jobsOf("long").get(0);

        // Whatever arrives late (the watcher's polls, resyncs) must not replace the Job again.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> seen("long").size() == 3);
        assertEquals(Set.of(first.getMetadata().getName(), second.getMetadata().getName(),
                third.getMetadata().getName()), seen("long"));
        assertEquals(1, jobsOf("long").size());
        client.resources(GitRepo.class).inNamespace(NS).withName("long").delete();
    }

    /** Scenario 5: a deleted GitRepo takes its Jobs and every series; the gauge otherwise lives one TTL. */
    @Test
    void aDeletedGitRepoTakesItsJobsAndSeriesAndTheGaugeLivesOneTtl() {
        SampleRepo repo = repo("doomed");
        sandbox.createGitRepo("doomed", repo, List.of("deploy"));
        awaitApplied("doomed", headOf(repo));
        await().atMost(WAIT).until(() -> exists("fleet_gitjob_duration_seconds_gauge", "doomed"));
        // The gauge stays for (most of) its TTL, then goes, while the histogram and counters stay.
        await().during(GAUGE_TTL.dividedBy(2)).atMost(GAUGE_TTL)
                .until(() -> exists("fleet_gitjob_duration_seconds_gauge", "doomed"));
        await().atMost(GAUGE_TTL.plus(WAIT)).until(() -> !exists("fleet_gitjob_duration_seconds_gauge", "doomed"));
        assertEquals(1, metric("fleet_gitjob_duration_seconds_count", "doomed"));

        // A new success sets the gauge again; a failed Job is left; then the GitRepo is deleted.
        repo.commit("break it", Map.of("deploy/configmap.yaml", "data: [unclosed\n"));
        await().atMost(WAIT).until(() -> "Failed".equals(status("doomed").getGitJobStatus()));
        assertEquals(1, jobsOf("doomed").size());
        String metricsBefore = scrape();
        assertTrue(Scrape.existsIn(metricsBefore, "fleet_gitjobs_created_success_total", "name", "doomed"));

        client.resources(GitRepo.class).inNamespace(NS).withName("doomed").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> jobsOf("doomed").isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> seriesOf(scrape(), "doomed").isEmpty());
    }

    /** Scenario 6: the janitor's run over a backlog an old version left: succeeded Jobs go, failed ones stay. */
    @Test
    void theJanitorRemovesABacklogOfSucceededJobsAndKeepsFailedOnes() {
        SampleRepo repo = repo("backlog");
        GitRepo gitRepo = sandbox.createGitRepo("backlog", repo, List.of("deploy"));
        awaitApplied("backlog", headOf(repo));
        // Fleet's own gitjob controller left these: owned by the GitRepo, without gitjob's labels.
        for (int i = 0; i < 5; i++) {
            fleetJob(gitRepo, "backlog-old-" + i, true);
        }
        fleetJob(gitRepo, "backlog-failed", false);

        int exit = sandbox.runJanitorOnce(Map.of("GITJOB_JANITOR_INCLUDE_FLEET_JOBS", "true"));

        assertEquals(0, exit, "the run had no errors");
        List<String> left = client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                .map(j -> j.getMetadata().getName()).filter(n -> n.startsWith("backlog-")).toList();
        assertEquals(List.of("backlog-failed"), left);
    }

    // --- what the test does and reads, as a user would ---

    private static SampleRepo repo(String name) {
        return SampleRepo.createIfAbsent(repos.resolve(name), Map.of(
                "deploy/configmap.yaml", configMap("one"),
                "deploy/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n"));
    }

    private static String configMap(String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  value: " + value + "\n";
    }

    private static String headOf(SampleRepo repo) {
        try (var git = org.eclipse.jgit.api.Git.open(repo.dir().toFile())) {
            return git.getRepository().resolve("HEAD").getName();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void fleetJob(GitRepo owner, String name, boolean succeeded) {
        Job job = client.batch().v1().jobs().inNamespace(NS).resource(new JobBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS)
                        .addToAnnotations("commit", "0123abcd").addNewOwnerReference()
                        .withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND).withName(owner.getMetadata().getName())
                        .withUid(owner.getMetadata().getUid()).withController(true).endOwnerReference().build())
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("fleet").withImage("rancher/fleet:v0.10.4").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        String at = "2026-01-01T00:00:00Z";
        client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).editStatus(j -> {
            j.setStatus(succeeded
                    ? new JobStatusBuilder().withSucceeded(1).withStartTime(at).withCompletionTime(at)
                            .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True")
                                    .withLastTransitionTime(at).build()).build()
                    : new JobStatusBuilder().withFailed(1).withStartTime(at)
                            .withConditions(new JobConditionBuilder().withType("Failed").withStatus("True")
                                    .withReason("BackoffLimitExceeded").withLastTransitionTime(at).build()).build());
            return j;
        });
    }

    /** Waits until the GitRepo records {@code commit} as applied (its Job succeeded) and no Job of it is left running. */
    private static void awaitApplied(String gitRepo, String commit) {
        await().atMost(WAIT).until(() -> commit.equals(status(gitRepo).getCommit())
                && "Current".equals(status(gitRepo).getGitJobStatus())
                && jobsOf(gitRepo).stream().noneMatch(SeedScenariosE2ETest::running));
    }

    private static Job awaitOneRunningJob(String gitRepo) {
        await().atMost(WAIT).until(() -> jobsOf(gitRepo).stream().filter(SeedScenariosE2ETest::running).count() == 1);
        return jobsOf(gitRepo).stream().filter(SeedScenariosE2ETest::running).findFirst().orElseThrow();
    }

    private static boolean running(Job job) {
        return job.getStatus() == null || (job.getStatus().getSucceeded() == null && job.getStatus().getFailed() == null);
    }

    private static Set<String> seen(String gitRepo) {
        return Set.copyOf(jobsSeen.getOrDefault(gitRepo, Set.of()));
    }

    private static List<Job> jobsOf(String gitRepo) {
        return client.batch().v1().jobs().inNamespace(NS).withLabel(JobConventions.GITREPO_LABEL, gitRepo).list()
                .getItems();
    }

    private static List<String> podsOf(Set<String> jobNames) {
        return client.pods().inNamespace(NS).list().getItems().stream()
                .filter(p -> p.getMetadata().getLabels() != null
                        && jobNames.contains(p.getMetadata().getLabels().get(JobRunner.JOB_NAME_LABEL)))
                .map(p -> p.getMetadata().getName()).toList();
    }

    private static GitRepoStatus status(String gitRepo) {
        GitRepo current = client.resources(GitRepo.class).inNamespace(NS).withName(gitRepo).get();
        assertNotNull(current, "GitRepo " + gitRepo);
        return current.getStatus() == null ? new GitRepoStatus() : current.getStatus();
    }

    private static GitRepoCondition condition(String gitRepo, String type) {
        return status(gitRepo).getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition on " + gitRepo));
    }

    private static String scrape() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(sandbox.url(Sandbox.Service.METRICS) + "/q/metrics"))
                    .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double metric(String name, String gitRepo) {
        return Scrape.valueIn(scrape(), name, "name", gitRepo, "namespace", NS);
    }

    private static boolean exists(String name, String gitRepo) {
        return Scrape.existsIn(scrape(), name, "name", gitRepo, "namespace", NS);
    }

    /** Every sample line carrying the GitRepo's labels, whatever the metric. */
    private static List<String> seriesOf(String text, String gitRepo) {
        return text.lines().filter(l -> !l.startsWith("#"))
                .filter(l -> l.contains("name=\"" + gitRepo + "\"") && l.contains("namespace=\"" + NS + "\"")).toList();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (java.nio.file.Files.exists(dir)) {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
