package io.gitjob.job.readiness;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The readiness reconciler against Fabric8's mock API server in CRUD mode with Fleet's kinds: this test plays
 * {@code fleet apply} (it creates the Bundle), Fleet's controller (the BundleDeployment in the cluster's
 * namespace, labelled as Fleet labels it) and the agent (its status), and the GitRepo's status follows.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = io.gitjob.job.fleet.FleetCrdSetup.class)
@TestProfile(ReadinessReconcilerTest.QuickBundles.class)
class ReadinessReconcilerTest {

    private static final String NS = "fleet-default";
    private static final String CLUSTER_NS = "cluster-fleet-default-c1-0123";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    public static class QuickBundles implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gitjob.readiness.bundle-change-delay", "100ms");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    ReadinessReconciler reconciler;

    @Test
    void theGitRepoFollowsItsBundleDeployments() {
        GitRepo gitRepo = createGitRepo("ready-follows", null);
        await().atMost(WAIT).until(reconciler::running);
        // No Bundle yet: ready, with nothing to show.
        await().atMost(WAIT).until(() -> "0/0".equals(display(gitRepo)));
        assertEquals("True", ready(gitRepo).getStatus());

        bundles().inNamespace(NS).resource(bundle("ready-follows-app", "ready-follows")).create();
        GenericKubernetesResource bd = bundleDeployments().inNamespace(CLUSTER_NS)
                .resource(bundleDeployment("ready-follows-app", "ready-follows", "c1")).create();
        bd.getAdditionalProperties().put("status", Map.of("appliedDeploymentID", "s-1:abc", "ready", false,
                "nonModified", true, "resourceCounts", Map.of("ready", 0, "desiredReady", 1, "notReady", 1)));
        bundleDeployments().inNamespace(CLUSTER_NS).resource(bd).updateStatus();

        await().atMost(WAIT).until(() -> "0/1".equals(display(gitRepo))
                && "NotReady".equals(status(gitRepo).getDisplay().getState()));
        GitRepoStatus status = status(gitRepo);
        assertEquals("NotReady", status.getDisplay().getState());
        assertEquals(0, status.getReadyClusters());
        assertEquals(1, status.getDesiredReadyClusters());
        assertEquals(1, status.getResourceCounts().getNotReady());
        assertEquals("False", ready(gitRepo).getStatus(), () -> JSON.asJson(status(gitRepo)));
        assertEquals("NotReady(1) [Bundle ready-follows-app]", ready(gitRepo).getMessage());
        assertEquals("Current", status.getGitJobStatus(), "the Job's fields are left alone");

        bd = bundleDeployments().inNamespace(CLUSTER_NS).withName("ready-follows-app").get();
        bd.getAdditionalProperties().put("status", Map.of("appliedDeploymentID", "s-1:abc", "ready", true,
                "nonModified", true, "resourceCounts", Map.of("ready", 1, "desiredReady", 1)));
        bundleDeployments().inNamespace(CLUSTER_NS).resource(bd).updateStatus();

        await().atMost(WAIT).until(() -> "1/1".equals(display(gitRepo)));
        status = status(gitRepo);
        assertNull(status.getDisplay().getState());
        assertEquals(1, status.getReadyClusters());
        assertEquals(java.util.Set.of(NS + "/c1"), status.getPerClusterResourceCounts().keySet(), JSON.asJson(status));
        assertEquals(1, status.getPerClusterResourceCounts().get(NS + "/c1").getReady());
        assertEquals("True", ready(gitRepo).getStatus());
        assertNull(ready(gitRepo).getMessage());
    }

    @Test
    void aBundleThatCannotRenderShowsOnTheGitRepo() {
        GitRepo gitRepo = createGitRepo("broken-bundle", null);
        await().atMost(WAIT).until(reconciler::running);
        GenericKubernetesResource bundle = bundles().inNamespace(NS).resource(bundle("broken-bundle-app",
                "broken-bundle")).create();
        bundle.getAdditionalProperties().put("status", Map.of("conditions", List.of(Map.of("type", "Ready",
                "status", "False", "reason", "Error", "message", "invalid fleet.yaml"))));
        bundles().inNamespace(NS).resource(bundle).updateStatus();

        await().atMost(WAIT).until(() -> ready(gitRepo) != null && "invalid fleet.yaml".equals(
                ready(gitRepo).getMessage()));
        assertEquals("False", ready(gitRepo).getStatus());
        assertEquals("Error", ready(gitRepo).getReason());
    }

    @Test
    void aGitRepoOfAnotherShardIsLeftAlone() {
        GitRepo other = createGitRepo("other-shard", "shard-b");
        GitRepo mine = createGitRepo("this-shard", null);
        await().atMost(WAIT).until(reconciler::running);

        await().atMost(WAIT).until(() -> "0/0".equals(display(mine)));
        assertNull(status(other).getDisplay(), "another installation's GitRepo");
        assertNull(status(other).getSummary());
    }

    // ---- how ----

    private GitRepo createGitRepo(String name, String shard) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.getMetadata().setNamespace(NS);
        gitRepo.getMetadata().setName(name);
        if (shard != null) {
            gitRepo.getMetadata().setLabels(Map.of(FleetConventions.SHARD_REF_LABEL, shard));
        }
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://example.com/" + name + ".git");
        gitRepo.setSpec(spec);
        GitRepo created = client.resources(GitRepo.class).inNamespace(NS).resource(gitRepo).create();
        GitRepoStatus status = new GitRepoStatus();
        status.setGitJobStatus("Current");
        created.setStatus(status);
        return client.resources(GitRepo.class).inNamespace(NS).resource(created).updateStatus();
    }

    private GitRepoStatus status(GitRepo gitRepo) {
        GitRepo now = client.resources(GitRepo.class).inNamespace(NS).withName(gitRepo.getMetadata().getName())
                .get();
        return now.getStatus() == null ? new GitRepoStatus() : now.getStatus();
    }

    private String display(GitRepo gitRepo) {
        GitRepoStatus status = status(gitRepo);
        return status.getDisplay() == null ? null : status.getDisplay().getReadyBundleDeployments();
    }

    private GitRepoCondition ready(GitRepo gitRepo) {
        return status(gitRepo).getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
    }

    private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource, ?, ?> bundles() {
        return client.genericKubernetesResources(BundleCache.BUNDLES);
    }

    private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource, ?, ?> bundleDeployments() {
        return client.genericKubernetesResources(BundleCache.BUNDLE_DEPLOYMENTS);
    }

    /** A Bundle as {@code fleet apply} labels it. */
    private static GenericKubernetesResource bundle(String name, String repo) {
        return JSON.unmarshal("""
                {"apiVersion": "fleet.cattle.io/v1alpha1", "kind": "Bundle",
                 "metadata": {"name": "%s", "namespace": "%s",
                   "labels": {"fleet.cattle.io/repo-name": "%s", "fleet.cattle.io/commit": "abc"}},
                 "spec": {"resources": [{"name": "cm.yaml", "content": "kind: ConfigMap"}]}}
                """.formatted(name, NS, repo), GenericKubernetesResource.class);
    }

    /** A BundleDeployment as Fleet's controller makes it for a cluster. */
    private static GenericKubernetesResource bundleDeployment(String bundle, String repo, String cluster) {
        return JSON.unmarshal("""
                {"apiVersion": "fleet.cattle.io/v1alpha1", "kind": "BundleDeployment",
                 "metadata": {"name": "%s", "namespace": "%s",
                   "labels": {"fleet.cattle.io/repo-name": "%s", "fleet.cattle.io/bundle-name": "%s",
                     "fleet.cattle.io/bundle-namespace": "%s", "fleet.cattle.io/managed": "true",
                     "fleet.cattle.io/cluster-namespace": "%s", "fleet.cattle.io/cluster": "%s"}},
                 "spec": {"deploymentID": "s-1:abc", "stagedDeploymentID": "s-1:abc"}}
                """.formatted(bundle, CLUSTER_NS, repo, bundle, NS, NS, cluster), GenericKubernetesResource.class);
    }
}
