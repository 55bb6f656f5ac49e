package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
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

    private static final Duration WAIT = SandboxUser.WAIT;
    /** The metrics-service's short-lived gauge TTL, short for the test (Fleet's 120 s in production). */
    private static final Duration GAUGE_TTL = Duration.ofSeconds(12);
    private static final String NS = Sandbox.NAMESPACE;

    private static Sandbox sandbox;
    private static SandboxUser user;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() {
        SandboxConfig config = SandboxUser.testConfig("e2e-work");
        config.serviceEnv.put("GITJOB_METRICS_SHORT_LIVED_TTL", GAUGE_TTL.toSeconds() + "s");
        sandbox = Sandbox.start(config, System.out::println);
        user = new SandboxUser(sandbox);
        client = user.client();
    }

    @AfterAll
    static void stopSandbox() {
        if (user != null) {
            user.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** Scenario 1 and 2: a commit runs a Job that succeeds and is deleted; a new commit gets a new Job, the same. */
    @Test
    void eachCommitRunsOneJobThatSucceedsAndIsDeletedAndTheGitRepoGetsItsMetrics() {
        SampleRepo repo = user.repo("first");
        String c1 = SandboxUser.headOf(repo);
        sandbox.createGitRepo("first", repo, List.of("deploy"));

        user.awaitApplied("first", c1);
        assertEquals(1, user.seen("first").size(), "one Job for the first commit");
        assertTrue(user.jobsOf("first").isEmpty(), "the succeeded Job is deleted");
        await().atMost(WAIT).until(() -> user.metric("fleet_gitjobs_created_success_total", "first") == 1
                && user.metric("fleet_gitjob_duration_seconds_count", "first") == 1
                && user.metric("fleet_gitrepo_fetch_latest_commit_success_total", "first") >= 1);

        String c2 = repo.commit("a second commit", Map.of("deploy/configmap.yaml", SandboxUser.configMap("two")));
        user.awaitApplied("first", c2);
        assertEquals(2, user.seen("first").size(), "a new Job for the new commit");
        assertTrue(user.jobsOf("first").isEmpty(), "that Job is deleted too");
        // The runner, playing the garbage collector, deletes the Pods after the Job.
        await().atMost(WAIT).until(() -> user.podsOf(user.seen("first")).isEmpty());
        await().atMost(WAIT).until(() -> user.metric("fleet_gitjobs_created_success_total", "first") == 2
                && user.metric("fleet_gitjob_duration_seconds_count", "first") == 2);
    }

    /** Scenario 3: a broken commit fails, is kept and shows; fixing it gets a new Job that succeeds. */
    @Test
    void aBrokenCommitFailsAndStaysVisibleUntilAFixedCommitSucceeds() {
        SampleRepo repo = user.repo("broken");
        sandbox.createGitRepo("broken", repo, List.of("deploy"));
        user.awaitApplied("broken", SandboxUser.headOf(repo));

        repo.commit("break it", Map.of("deploy/configmap.yaml", SandboxUser.brokenYaml()));
        await().atMost(WAIT).until(() -> "Failed".equals(user.status("broken").getGitJobStatus()));
        GitRepoCondition stalled = user.condition("broken", "Stalled");
        assertEquals("True", stalled.getStatus());
        assertTrue(stalled.getMessage().contains("deploy/configmap.yaml"), stalled.getMessage());
        List<Job> kept = user.jobsOf("broken");
        assertEquals(1, kept.size(), "the failed Job is kept");
        String failedJob = kept.get(0).getMetadata().getName();
        await().atMost(WAIT).until(() -> user.metric("gitjob_failed_jobs_retained", "broken") == 1);

        String fixed = repo.commit("fix it", Map.of("deploy/configmap.yaml", SandboxUser.configMap("fixed")));
        user.awaitApplied("broken", fixed);
        assertEquals("True", user.condition("broken", "Ready").getStatus());
        assertEquals(List.of(failedJob), user.jobsOf("broken").stream().map(j -> j.getMetadata().getName()).toList(),
                "only the failed Job is left: the fixed commit's Job succeeded and was deleted");
        assertEquals(3, user.seen("broken").size());
        await().atMost(WAIT).until(() -> user.metric("fleet_gitjobs_created_success_total", "broken") == 3
                && user.metric("fleet_gitjob_duration_seconds_count", "broken") == 2);
    }

    /** Scenario 4: a long-running Job is replaced once on a spec change, and once on a force sync. */
    @Test
    void aLongRunningJobIsReplacedExactlyOnceBySpecChangeAndByForceSync() {
        SampleRepo repo = user.repo("long");
        repo.commit("make the Jobs run long", JobRunner.longRunning(600));
        sandbox.createGitRepo("long", repo, List.of("deploy"));
        Job first = user.awaitOneRunningJob("long");
        assertEquals("1", first.getMetadata().getLabels().get(JobConventions.GITREPO_GENERATION_LABEL));

        user.editSpec("long", spec -> spec.setPaths(List.of("deploy", ".")));
        await().atMost(WAIT).until(() -> user.jobsOf("long").stream().allMatch(j -> "2".equals(
                j.getMetadata().getLabels().get(JobConventions.GITREPO_GENERATION_LABEL))) && user.jobsOf("long").size() == 1);
        Job second = user.jobsOf("long").get(0);

        user.editSpec("long", spec -> spec.setForceSyncGeneration(1L));
        await().atMost(WAIT).until(() -> user.jobsOf("long").stream().allMatch(j -> "1".equals(
                j.getMetadata().getLabels().get(JobConventions.FORCE_SYNC_GENERATION_LABEL))) && user.jobsOf("long").size() == 1);
        Job third = user.jobsOf("long").get(0);

        // Whatever arrives late (the watcher's polls, resyncs) must not replace the Job again.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> user.seen("long").size() == 3);
        assertEquals(Set.of(first.getMetadata().getName(), second.getMetadata().getName(),
                third.getMetadata().getName()), user.seen("long"));
        assertEquals(1, user.jobsOf("long").size());
        client.resources(GitRepo.class).inNamespace(NS).withName("long").delete();
    }

    /** Scenario 5: a deleted GitRepo takes its Jobs and every series; the gauge otherwise lives one TTL. */
    @Test
    void aDeletedGitRepoTakesItsJobsAndSeriesAndTheGaugeLivesOneTtl() {
        SampleRepo repo = user.repo("doomed");
        sandbox.createGitRepo("doomed", repo, List.of("deploy"));
        user.awaitApplied("doomed", SandboxUser.headOf(repo));
        await().atMost(WAIT).until(() -> user.exists("fleet_gitjob_duration_seconds_gauge", "doomed"));
        // The gauge stays for (most of) its TTL, then goes, while the histogram and counters stay.
        await().during(GAUGE_TTL.dividedBy(2)).atMost(GAUGE_TTL)
                .until(() -> user.exists("fleet_gitjob_duration_seconds_gauge", "doomed"));
        await().atMost(GAUGE_TTL.plus(WAIT)).until(() -> !user.exists("fleet_gitjob_duration_seconds_gauge", "doomed"));
        assertEquals(1, user.metric("fleet_gitjob_duration_seconds_count", "doomed"));

        // A new success sets the gauge again; a failed Job is left; then the GitRepo is deleted.
        repo.commit("break it", Map.of("deploy/configmap.yaml", SandboxUser.brokenYaml()));
        await().atMost(WAIT).until(() -> "Failed".equals(user.status("doomed").getGitJobStatus()));
        assertEquals(1, user.jobsOf("doomed").size());
        String metricsBefore = user.scrape();
        assertTrue(Scrape.existsIn(metricsBefore, "fleet_gitjobs_created_success_total", "name", "doomed"));

        client.resources(GitRepo.class).inNamespace(NS).withName("doomed").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> user.jobsOf("doomed").isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> SandboxUser.seriesOf(user.scrape(), "doomed").isEmpty());
    }

    /** Scenario 6: the janitor's run over a backlog an old version left: succeeded Jobs go, failed ones stay. */
    @Test
    void theJanitorRemovesABacklogOfSucceededJobsAndKeepsFailedOnes() {
        SampleRepo repo = user.repo("backlog");
        GitRepo gitRepo = sandbox.createGitRepo("backlog", repo, List.of("deploy"));
        user.awaitApplied("backlog", SandboxUser.headOf(repo));
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

    // --- what only these scenarios need ---

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

}
