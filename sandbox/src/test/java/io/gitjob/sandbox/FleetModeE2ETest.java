package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;

/**
 * Issue 15 end to end, in fleet mode: the sandbox's cluster has Fleet's CRDs, job-service runs Fleet's Job, and the
 * Job runner plays {@code fleet apply}, Fleet's bundle controller and agent ({@link FleetStandIn}), and the kubelet
 * that cannot pull an image. Real processes as {@link SeedScenariosE2ETest} has them; one sandbox for every case,
 * each with its own GitRepo, in order (the image pull case refuses Fleet's image for a while, the shard case starts
 * a second installation last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetModeE2ETest {

    private static final Duration WAIT = SandboxUser.WAIT;
    private static final String NS = Sandbox.NAMESPACE;
    /** Fleet's image, every tag: the fleet-mode Job's containers run it. */
    private static final String FLEET_IMAGE = "rancher/fleet";
    private static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext GITREPOS =
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup(FleetConventions.GROUP).withVersion(FleetConventions.VERSION).withKind(GitRepo.KIND)
                    .withPlural("gitrepos").withNamespaced(true).build();

    private static Sandbox sandbox;
    private static SandboxUser user;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() {
        SandboxConfig config = SandboxUser.testConfig("e2e-fleet-work");
        config.jobMode = "fleet";
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

    /** A commit becomes Fleet's Job, its Bundles (one per path, Fleet's names and labels) make the GitRepo Ready. */
    @Test
    @Order(1)
    void aCommitsBundlesMakeTheGitRepoReadyAndABundleNotReadyTurnsItNotReadyUntilItIsReadyAgain() {
        SampleRepo repo = user.repo("ready");
        String commit = repo.commit("a second path", Map.of("more/configmap.yaml", SandboxUser.configMap("more")));
        sandbox.createGitRepo("ready", repo, List.of("deploy", "more"));

        // Only a Job whose container runs fleet apply gets Bundles from the runner (FleetApplyArgs).
        await().atMost(WAIT).until(() -> bundlesOf("ready").size() == 2);
        for (GenericKubernetesResource bundle : bundlesOf("ready")) {
            assertEquals(commit, bundle.getMetadata().getLabels().get(FleetConventions.COMMIT_LABEL));
        }
        assertEquals(List.of("ready-deploy", "ready-more"),
                bundlesOf("ready").stream().map(b -> b.getMetadata().getName()).sorted().toList());
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(FleetStandIn.BUNDLE_DEPLOYMENTS)
                .inAnyNamespace().withLabel(FleetConventions.REPO_NAME_LABEL, "ready")
                .withLabel(FleetConventions.BUNDLE_NAMESPACE_LABEL, NS).list().getItems().size() == 2);

        user.awaitApplied("ready", commit);
        await().atMost(WAIT).until(() -> "True".equals(conditionStatus("ready", "Ready"))
                && "2/2".equals(display("ready").get("readyBundleDeployments")));

        sandbox.markBundleNotReady(NS, "ready-more", "deployment not available");
        await().atMost(WAIT).until(() -> "False".equals(conditionStatus("ready", "Ready"))
                && "1/2".equals(display("ready").get("readyBundleDeployments"))
                && "NotReady".equals(display("ready").get("state")));
        assertEquals(1, ((Number) summary("ready").get("notReady")).intValue());

        sandbox.markBundleReady(NS, "ready-more");
        await().atMost(WAIT).until(() -> "True".equals(conditionStatus("ready", "Ready"))
                && "2/2".equals(display("ready").get("readyBundleDeployments"))
                && display("ready").get("state") == null);
    }

    /** Deleting a fleet-mode GitRepo purges its Bundles, then gitjob's finalizer goes and so does the GitRepo. */
    @Test
    @Order(2)
    void deletingTheGitRepoPurgesItsBundlesAndRemovesFleetsFinalizer() {
        SampleRepo repo = user.repo("purged");
        sandbox.createGitRepo("purged", repo, List.of("deploy"));
        user.awaitApplied("purged", SandboxUser.headOf(repo));
        await().atMost(WAIT).until(() -> bundlesOf("purged").size() == 1 && gitRepo("purged").getMetadata()
                .getFinalizers().contains(FleetConventions.GITREPO_FINALIZER));

        user.delete("purged");
        await().atMost(WAIT).until(() -> client.resources(GitRepo.class).inNamespace(NS).withName("purged")
                .get() == null);
        assertTrue(bundlesOf("purged").isEmpty(), "the Bundles are purged before the finalizer goes");
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(FleetStandIn.BUNDLE_DEPLOYMENTS)
                .inAnyNamespace().withLabel(FleetConventions.REPO_NAME_LABEL, "purged").list().getItems().isEmpty());
    }

    /** A GitRepo made under Fleet, which carries Fleet's finalizer from the start, deletes as well. */
    @Test
    @Order(3)
    void aGitRepoCreatedWithFleetsFinalizerDeletes() {
        SampleRepo repo = user.repo("from-fleet");
        GitRepo fromFleet = sandbox.gitRepo("from-fleet", repo, List.of("deploy"), Map.of());
        fromFleet.getMetadata().setFinalizers(List.of(FleetConventions.GITREPO_FINALIZER));
        client.resource(fromFleet).create();
        user.awaitApplied("from-fleet", SandboxUser.headOf(repo));

        user.delete("from-fleet");
        await().atMost(WAIT).until(() -> client.resources(GitRepo.class).inNamespace(NS).withName("from-fleet")
                .get() == null);
        assertTrue(bundlesOf("from-fleet").isEmpty());
    }

    /** A Job whose image cannot be pulled is a failure the user sees: Stalled with the Pod's reason, the Job kept. */
    @Test
    @Order(4)
    void aJobWhoseImageCannotBePulledStallsTheGitRepoWithTheReasonAndIsKept() {
        SampleRepo repo = user.repo("no-image");
        sandbox.refusePulls(FLEET_IMAGE);
        try {
            sandbox.createGitRepo("no-image", repo, List.of("deploy"));
            await().atMost(WAIT).until(() -> podOf("no-image") != null);
            Pod pod = podOf("no-image");
            assertEquals("Pending", pod.getStatus().getPhase());

            await().atMost(WAIT).until(() -> "True".equals(conditionStatus("no-image", "Stalled")));
            GitRepoCondition stalled = user.condition("no-image", "Stalled");
            assertTrue(stalled.getMessage().contains("ErrImagePull") || stalled.getMessage().contains("ImagePullBackOff")
                    || (stalled.getReason() != null && stalled.getReason().contains("Image")),
                    "Stalled names the Pod's reason: " + stalled.getReason() + ": " + stalled.getMessage());
            List<Job> kept = user.jobsOf("no-image");
            assertEquals(1, kept.size(), "the Job is kept");
            await().atMost(WAIT).until(() -> failedEventsOf("no-image") >= 1);
            assertTrue(bundlesOf("no-image").isEmpty(), "nothing was applied");
        } finally {
            sandbox.allowPulls(FLEET_IMAGE);
        }
    }

    /**
     * Two installations on one cluster and broker, each its shard: the default one manages the GitRepos without
     * the shard-ref label, the second (shard {@code blue}) only those labelled {@code fleet.cattle.io/shard-ref=blue};
     * with the other installation stopped, each still applies its own and never the other's.
     */
    @Test
    @Order(5)
    void twoInstallationsWithDifferentShardIdsEachManageOnlyTheirOwnGitRepos() {
        SampleRepo mine = user.repo("default-shard");
        SampleRepo blues = user.repo("blue-shard");
        GitRepo blue = sandbox.gitRepo("blue-shard", blues, List.of("deploy"), Map.of());
        blue.getMetadata().setLabels(Map.of(FleetConventions.SHARD_REF_LABEL, "blue"));
        client.resource(blue).create();
        sandbox.createGitRepo("default-shard", mine, List.of("deploy"));
        user.awaitApplied("default-shard", SandboxUser.headOf(mine));
        assertTrue(user.seen("blue-shard").isEmpty(), "the default installation leaves shard blue's GitRepo alone");

        sandbox.startShard("blue", Ports.anyFree(), Ports.anyFree());
        user.awaitApplied("blue-shard", SandboxUser.headOf(blues));

        // The last case: the default installation stays down (close() stops the rest).
        sandbox.kill(Sandbox.Service.JOB);
        sandbox.kill(Sandbox.Service.WATCHER);
        String blueCommit = blues.commit("blue only", Map.of("deploy/configmap.yaml", SandboxUser.configMap("b")));
        String defaultCommit = mine.commit("default", Map.of("deploy/configmap.yaml", SandboxUser.configMap("d")));
        user.awaitApplied("blue-shard", blueCommit);
        assertTrue(!defaultCommit.equals(user.status("default-shard").getCommit()),
                "shard blue's installation does not apply the default shard's GitRepo");
        assertEquals(1, user.seen("default-shard").size(), "no Job for the default shard's new commit");
    }

    private static List<GenericKubernetesResource> bundlesOf(String gitRepo) {
        return client.genericKubernetesResources(FleetStandIn.BUNDLES).inNamespace(NS)
                .withLabel(FleetConventions.REPO_NAME_LABEL, gitRepo).list().getItems();
    }

    private static GitRepo gitRepo(String name) {
        return client.resources(GitRepo.class).inNamespace(NS).withName(name).get();
    }

    private static String conditionStatus(String gitRepo, String type) {
        var conditions = user.status(gitRepo).getConditions();
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.getType()))
                .map(GitRepoCondition::getStatus).findFirst().orElse(null);
    }

    private static Map<String, Object> display(String gitRepo) {
        return statusField(gitRepo, "display");
    }

    private static Map<String, Object> summary(String gitRepo) {
        return statusField(gitRepo, "summary");
    }

    /** A status object as stored, read without gitjob's model, so the test sees what kubectl shows. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> statusField(String gitRepo, String field) {
        GenericKubernetesResource raw = client.genericKubernetesResources(GITREPOS).inNamespace(NS).withName(gitRepo)
                .get();
        Object status = raw == null ? null : raw.getAdditionalProperties().get("status");
        Object value = status instanceof Map<?, ?> m ? m.get(field) : null;
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Pod podOf(String gitRepo) {
        return user.seen(gitRepo).stream().flatMap(job -> client.pods().inNamespace(NS)
                .withLabel(JobRunner.JOB_NAME_LABEL, job).list().getItems().stream()).findFirst().orElse(null);
    }

    /** The {@code gitjob.failed} events of the GitRepo on the gitjob-events topic, from its beginning. */
    private static long failedEventsOf(String gitRepo) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.GITJOB_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<GitJobEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    events.add(EventCodec.decode(r.value(), GitJobEvent.class));
                }
            }
            return events.stream().filter(e -> e instanceof GitJobEvent.JobFailed f
                    && gitRepo.equals(f.gitRepo().name())).count();
        }
    }
}
