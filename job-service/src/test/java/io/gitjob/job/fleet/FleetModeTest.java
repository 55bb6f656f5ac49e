package io.gitjob.job.fleet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.GitRepoStatusEdit;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobMode;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * job-service in a cluster where Fleet is installed (API discovery serves Bundles, so {@code gitjob.job.mode=auto}
 * means fleet): Fleet's finalizer, the purge of a deleted GitRepo's Bundles, a Pod that cannot pull its image,
 * and the shard rule. Fabric8's mock API server stands in for the cluster; it runs no controller, so this test
 * plays the kubelet (Pods) and Fleet's CLI (Bundles), and the mock's own handling of finalizers stands in for the
 * API server's (an object with finalizers is only marked deleted until the last one goes).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = FleetCrdSetup.class)
class FleetModeTest {

    private static final String NS = "fleet-default";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Test
    void aFleetGitRepoGetsFleetsFinalizerAndOnDeleteItsBundlesArePurgedBeforeItGoes() {
        GitRepo gitRepo = create("purged", Map.of(), List.of());
        poll(gitRepo, "c1");
        await().atMost(WAIT).until(() -> finalizers(gitRepo).contains(FleetConventions.GITREPO_FINALIZER));
        await().atMost(WAIT).until(() -> !jobsOf(gitRepo).isEmpty());
        // kubectl describe gitrepo tells it with Fleet's reason.
        await().atMost(WAIT).until(() -> client.events().v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> "Created".equals(e.getReason()) && "purged".equals(e.getRegarding().getName())
                        && e.getNote().contains(jobsOf(gitRepo).get(0).getMetadata().getName())));
        GenericKubernetesResource bundle = bundle(gitRepo, "purged-app");
        GenericKubernetesResource otherRepos = bundle(create("neighbour", Map.of(), List.of()), "neighbour-app");

        client.resources(GitRepo.class).inNamespace(NS).withName("purged").delete();

        await().atMost(WAIT).until(() -> get("purged") == null);
        assertEquals(null, client.genericKubernetesResources(FleetConventions.BUNDLES).inNamespace(NS)
                .withName(bundle.getMetadata().getName()).get(), "the GitRepo's Bundle is purged");
        assertNotNull(client.genericKubernetesResources(FleetConventions.BUNDLES).inNamespace(NS)
                .withName(otherRepos.getMetadata().getName()).get(), "another GitRepo's Bundle stays");
    }

    @Test
    void aGitRepoMadeUnderFleetWithItsFinalizerDeletesEvenInKubectlMode() {
        GitRepo gitRepo = create("from-fleet", Map.of(JobMode.ANNOTATION, "kubectl"),
                List.of(FleetConventions.GITREPO_FINALIZER));
        GenericKubernetesResource bundle = bundle(gitRepo, "from-fleet-app");
        client.resources(GitRepo.class).inNamespace(NS).withName("from-fleet").delete();
        await().atMost(WAIT).until(() -> get("from-fleet") == null);
        assertEquals(null, client.genericKubernetesResources(FleetConventions.BUNDLES).inNamespace(NS)
                .withName(bundle.getMetadata().getName()).get(), "the Bundles Fleet made are purged first");
    }

    @Test
    void aJobWhosePodCannotPullItsImageMakesTheGitRepoStalledWithTheReasonAndIsKept() {
        GitRepo gitRepo = create("unpullable", Map.of(), List.of());
        try (var kafka = new KafkaTestClient(); var jobEvents = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            poll(gitRepo, "c1");
            await().atMost(WAIT).until(() -> !jobsOf(gitRepo).isEmpty());
            Job job = jobsOf(gitRepo).get(0);
            imagePullBackOff(job);

            var failed = jobEvents.awaitEvent(GitJobEvent.JobFailed.class,
                    e -> e.jobName().equals(job.getMetadata().getName()), WAIT);
            assertTrue(failed.terminationMessage().startsWith("ImagePullBackOff"), failed.terminationMessage());
            await().atMost(WAIT).until(() -> "Failed".equals(status("unpullable").getGitJobStatus()));
            GitRepoCondition stalled = condition("unpullable", "Stalled");
            assertEquals("True", stalled.getStatus());
            assertTrue(stalled.getMessage().contains("rancher/fleet:does-not-exist"), stalled.getMessage());
            assertNotNull(client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).get(),
                    "the Job is kept for troubleshooting");
        }
    }

    @Test
    void aGitRepoOfAnotherShardIsLeftToItsOwnController() {
        GitRepo other = create("elsewhere", Map.of(), List.of(), Map.of(FleetConventions.SHARD_REF_LABEL,
                "shard-b"));
        poll(other, "c1");
        // Made after the other shard's GitRepo was polled, and in the same namespace: once it has its Job (and
        // its finalizer, added first) job-service had every chance to act on the other one too.
        GitRepo mine = create("mine", Map.of(), List.of());
        poll(mine, "c1");
        await().atMost(WAIT).until(() -> !jobsOf(mine).isEmpty());
        assertTrue(jobsOf(other).isEmpty());
        assertFalse(finalizers(other).contains(FleetConventions.GITREPO_FINALIZER));
    }

    @Test
    void theJobAnotherShardMadeForAGitRepoThatMovedHereIsTakenOverNotMadeTwice() {
        GitRepo moved = create("moved", Map.of(), List.of());
        String name = io.gitjob.job.decision.JobNames.name("moved", moved.getMetadata().getUid(),
                moved.getSpec().getRepo(), "c1", moved.getMetadata().getGeneration(), 0);
        // As the installation of shard-b left it when the GitRepo's label changed: running, labelled shard-b.
        client.resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata().withNamespace(NS)
                .withName(name).addToLabels(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .addToLabels(JobConventions.GITREPO_LABEL, "moved")
                .addToLabels(JobConventions.GITREPO_GENERATION_LABEL, moved.getMetadata().getGeneration().toString())
                .addToLabels(JobConventions.FORCE_SYNC_GENERATION_LABEL, "0")
                .addToLabels(FleetConventions.SHARD_REF_LABEL, "shard-b")
                .addToAnnotations(JobConventions.COMMIT_ANNOTATION, "c1")
                .addNewOwnerReference().withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND).withName("moved")
                .withUid(moved.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("fleet").withImage("x")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();

        poll(moved, "c1");

        await().atMost(WAIT).until(() -> "c1".equals(status("moved").getCommit()));
        assertEquals(1, jobsOf(moved).size());
        assertEquals(null, jobsOf(moved).get(0).getMetadata().getLabels().get(FleetConventions.SHARD_REF_LABEL),
                "relabelled for this (the default) shard, and adopted");
    }

    // --- the test's side of the cluster ---

    private GitRepo create(String name, Map<String, String> annotations, List<String> finalizers) {
        return create(name, annotations, finalizers, Map.of());
    }

    private GitRepo create(String name, Map<String, String> annotations, List<String> finalizers,
            Map<String, String> labels) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).withAnnotations(annotations)
                .withLabels(new java.util.HashMap<>(labels)).withFinalizers(finalizers).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/" + name + ".git");
        spec.setBranch("main");
        spec.setPaths(List.of("app"));
        gitRepo.setSpec(spec);
        return client.resource(gitRepo).create();
    }

    /** As the watcher does: the commit found is recorded in the status, which is what job-service reads. */
    private void poll(GitRepo gitRepo, String commit) {
        GitRepo current = get(gitRepo.getMetadata().getName());
        GitRepoStatusEdit.edit(client, new GitRepoRef(NS, current.getMetadata().getName(),
                current.getMetadata().getUid()), status -> {
                    status.setPollingCommit(commit);
                    status.setLastPollingTriggered(Instant.now().toString());
                });
    }

    /** As {@code fleet apply} labels the Bundles it makes of a GitRepo's paths. */
    private GenericKubernetesResource bundle(GitRepo gitRepo, String name) {
        return client.genericKubernetesResources(FleetConventions.BUNDLES).inNamespace(NS)
                .resource(new GenericKubernetesResourceBuilder().withApiVersion(FleetConventions.API_VERSION)
                        .withKind(FleetConventions.BUNDLE_KIND)
                        .withNewMetadata().withNamespace(NS).withName(name)
                        .addToLabels(FleetConventions.REPO_NAME_LABEL, gitRepo.getMetadata().getName())
                        .endMetadata().build())
                .create();
    }

    /** As the kubelet reports a Pod whose image cannot be pulled: Pending for ever, the Job still active. */
    private void imagePullBackOff(Job job) {
        var labels = new java.util.HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
        client.resource(new PodBuilder().withNewMetadata().withNamespace(NS)
                .withName(job.getMetadata().getName() + "-p0").withLabels(labels).endMetadata()
                .withNewStatus().withPhase("Pending").addNewContainerStatus().withName("fleet").withNewState()
                .withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"rancher/fleet:does-not-exist\"").endWaiting().endState()
                .endContainerStatus().endStatus().build()).create();
    }

    private List<String> finalizers(GitRepo gitRepo) {
        GitRepo current = get(gitRepo.getMetadata().getName());
        return current == null ? List.of() : current.getMetadata().getFinalizers();
    }

    private List<Job> jobsOf(GitRepo gitRepo) {
        return client.batch().v1().jobs().inNamespace(NS)
                .withLabel(JobConventions.GITREPO_LABEL, gitRepo.getMetadata().getName()).list().getItems();
    }

    private GitRepo get(String name) {
        return client.resources(GitRepo.class).inNamespace(NS).withName(name).get();
    }

    private GitRepoStatus status(String name) {
        GitRepo current = get(name);
        return current.getStatus() == null ? new GitRepoStatus() : current.getStatus();
    }

    private GitRepoCondition condition(String name, String type) {
        return status(name).getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition"));
    }
}
