package io.gitjob.job.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoResource;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.job.readiness.GitRepoReadiness.Readiness;

/**
 * The readiness rule against BundleDeployments and Bundles written as Fleet's controller and agent write them
 * (JSON with Fleet's field names), one case for each state Fleet's GitRepo status reconciler tells apart
 * (rancher/fleet v0.16.1).
 */
class GitRepoReadinessTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final String T0 = "2026-01-01T00:00:00Z";
    private static final String T1 = "2026-01-01T00:05:00Z";

    @Test
    void noBundlesIsReadyWithNothingToShow() {
        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(), T0);

        assertEquals(0, r.summary().getReady());
        assertEquals(0, r.summary().getDesiredReady());
        assertEquals("0/0", r.display().getReadyBundleDeployments());
        assertNull(r.display().getState());
        assertFalse(r.display().isError());
        assertEquals(0, r.readyClusters());
        assertEquals(0, r.desiredReadyClusters());
        assertEquals(0, r.resourceCounts().getDesiredReady());
        assertTrue(r.perClusterResourceCounts().isEmpty());
        assertTrue(r.resources().isEmpty());
        assertEquals("True", r.ready().getStatus());
        assertNull(r.ready().getMessage());
        assertEquals(T0, r.ready().getLastUpdateTime());

        GitRepoStatus status = current("Current");
        r.writeTo(status);
        assertNull(status.getResources(), "an empty list is left out, as Fleet leaves it out");
        assertNull(status.getPerClusterResourceCounts());
        assertEquals(0, status.getReadyClusters());
    }

    @Test
    void aJobNotYetCurrentShowsGitUpdating() {
        Readiness r = GitRepoReadiness.compute(current("InProgress"), List.of(), List.of(ready("a", "c1")), T0);

        assertEquals("GitUpdating", r.display().getState());
        assertEquals("1/1", r.display().getReadyBundleDeployments());
        assertEquals("True", r.ready().getStatus(), "Ready is the Bundles', whatever the Job");
        assertEquals("GitUpdating",
                GitRepoReadiness.compute(new GitRepoStatus(), List.of(), List.of(), T0).display().getState(),
                "no Job status yet is not Current either");
    }

    @Test
    void allReadyOnTwoClusters() {
        GitRepoStatus status = current("Current");
        status.getConditions().add(condition("Ready", "False", "JobFailed", "was broken", T0));

        Readiness r = GitRepoReadiness.compute(status, List.of(), List.of(ready("a", "c1"), ready("b", "c2")), T1);

        assertEquals(2, r.summary().getReady());
        assertEquals(2, r.summary().getDesiredReady());
        assertTrue(r.summary().getNonReadyResources().isEmpty());
        assertEquals("2/2", r.display().getReadyBundleDeployments());
        assertNull(r.display().getState());
        assertNull(r.display().getMessage());
        assertEquals(2, r.readyClusters());
        assertEquals(2, r.desiredReadyClusters());
        assertEquals("True", r.ready().getStatus());
        assertNull(r.ready().getMessage());
        assertNull(r.ready().getReason(), "an error's reason does not stay on a True condition");
        assertEquals(T1, r.ready().getLastUpdateTime());
    }

    @Test
    void notReadyNamesTheBundleAndTheResource() {
        String bd = """
                {"metadata": {"name": "app-web", "uid": "u1", "labels": %s},
                 "spec": {"deploymentID": "s-1:abc", "stagedDeploymentID": "s-1:abc"},
                 "status": {"appliedDeploymentID": "s-1:abc", "ready": false, "nonModified": true,
                   "nonReadyStatus": [{"uid": "d1", "kind": "Deployment", "apiVersion": "apps/v1",
                     "namespace": "web", "name": "web",
                     "summary": {"state": "updating", "transitioning": true,
                                 "message": ["Deployment does not have minimum availability."]}}],
                   "resources": [{"kind": "Deployment", "apiVersion": "apps/v1", "namespace": "web", "name": "web"},
                                 {"kind": "Service", "apiVersion": "v1", "namespace": "web", "name": "web"}],
                   "resourceCounts": {"ready": 1, "desiredReady": 2, "notReady": 1}}}
                """.formatted(clusterLabels("c1"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(view(bd)), T0);

        assertEquals(1, r.summary().getNotReady());
        assertEquals(0, r.summary().getReady());
        assertEquals(1, r.summary().getNonReadyResources().size());
        assertEquals("NotReady", r.summary().getNonReadyResources().get(0).getBundleState());
        assertEquals("app-web", r.summary().getNonReadyResources().get(0).getName());
        assertEquals("NotReady", r.display().getState());
        assertEquals("0/1", r.display().getReadyBundleDeployments());
        assertEquals(0, r.readyClusters());
        assertEquals(1, r.desiredReadyClusters());
        assertEquals("False", r.ready().getStatus());
        assertEquals("NotReady(1) [Bundle app-web]; deployment.apps web/web [progressing] Deployment does not have"
                + " minimum availability.", r.ready().getMessage());

        GitRepoResource deployment = resource(r, "apps.deployment", "web/web");
        assertEquals("updating", deployment.getState());
        assertEquals(List.of("fleet-default/c1"), deployment.getPerClusterState().getNotReady());
        GitRepoResource service = resource(r, "service", "web/web");
        assertEquals("Ready", service.getState(), "a not-ready BundleDeployment's other resources are ready");
        assertEquals(List.of("fleet-default/c1"), service.getPerClusterState().getReady());
        assertEquals(2, r.resourceCounts().getDesiredReady());
        assertEquals(1, r.resourceCounts().getNotReady());
    }

    @Test
    void modifiedListsTheDrift() {
        String bd = """
                {"metadata": {"name": "app-cm", "uid": "u1", "labels": %s},
                 "spec": {"deploymentID": "s-1:abc", "stagedDeploymentID": "s-1:abc"},
                 "status": {"appliedDeploymentID": "s-1:abc", "ready": true, "nonModified": false,
                   "modifiedStatus": [
                     {"kind": "ConfigMap", "apiVersion": "v1", "namespace": "app", "name": "settings", "missing": true},
                     {"kind": "ConfigMap", "apiVersion": "v1", "namespace": "app", "name": "old", "delete": true},
                     {"kind": "Deployment", "apiVersion": "apps/v1", "namespace": "app", "name": "web",
                      "patch": "{\\"spec\\":{\\"replicas\\":3}}"}],
                   "resourceCounts": {"ready": 0, "desiredReady": 3, "modified": 1, "missing": 1, "orphaned": 1}}}
                """.formatted(clusterLabels("c1"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(view(bd)), T0);

        assertEquals(1, r.summary().getModified());
        assertEquals("Modified", r.display().getState());
        assertEquals("False", r.ready().getStatus());
        assertEquals("Modified(1) [Bundle app-cm]; configmap.v1 app/old extra; configmap.v1 app/settings missing;"
                + " deployment.apps app/web modified {\"spec\":{\"replicas\":3}}", r.ready().getMessage());
        assertEquals("Missing", resource(r, "configmap", "app/settings").getState());
        assertEquals(List.of("fleet-default/c1"), resource(r, "configmap", "app/settings").getPerClusterState()
                .getMissing());
        assertEquals("Orphaned", resource(r, "configmap", "app/old").getState());
        assertEquals("Modified", resource(r, "apps.deployment", "app/web").getState());
        assertEquals(1, r.resourceCounts().getOrphaned());
    }

    @Test
    void errAppliedShowsTheAgentsError() {
        String bd = """
                {"metadata": {"name": "app-helm", "uid": "u1", "labels": %s},
                 "spec": {"deploymentID": "s-2:def", "stagedDeploymentID": "s-2:def"},
                 "status": {"appliedDeploymentID": "s-1:abc", "ready": true, "nonModified": true,
                   "conditions": [{"type": "Deployed", "status": "False",
                                   "message": "execution error at (chart/templates/x.yaml): boom"},
                                  {"type": "Installed", "status": "True"}]}}
                """.formatted(clusterLabels("c1"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(view(bd), ready("b", "c2")),
                T0);

        assertEquals(1, r.summary().getErrApplied());
        assertEquals(1, r.summary().getReady());
        assertEquals("ErrApplied", r.display().getState());
        assertEquals("execution error at (chart/templates/x.yaml): boom", r.display().getMessage());
        assertTrue(r.display().isError());
        assertEquals("1/2", r.display().getReadyBundleDeployments());
        assertEquals(1, r.readyClusters());
        assertEquals(2, r.desiredReadyClusters());
        assertEquals("ErrApplied(1) [Bundle app-helm: execution error at (chart/templates/x.yaml): boom]",
                r.ready().getMessage());
    }

    @Test
    void waitAppliedUntilTheAgentAppliesTheNewDeployment() {
        String bd = """
                {"metadata": {"name": "app", "uid": "u1", "labels": %s},
                 "spec": {"deploymentID": "s-2:def", "stagedDeploymentID": "s-2:def"},
                 "status": {"appliedDeploymentID": "s-1:abc", "ready": true, "nonModified": true,
                   "resources": [{"kind": "ConfigMap", "apiVersion": "v1", "namespace": "app", "name": "cm"}]}}
                """.formatted(clusterLabels("c1"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(view(bd)), T0);

        assertEquals(1, r.summary().getWaitApplied());
        assertEquals("WaitApplied", r.display().getState());
        assertFalse(r.display().isError());
        assertEquals("WaitApplied(1) [Bundle app]", r.ready().getMessage());
        assertEquals("WaitApplied", resource(r, "configmap", "app/cm").getState());
        assertEquals(List.of("fleet-default/c1"), resource(r, "configmap", "app/cm").getPerClusterState()
                .getWaitApplied());
    }

    @Test
    void aNewBundleDeploymentWithoutStatusWaits() {
        String bd = """
                {"metadata": {"name": "app", "uid": "u1", "labels": %s},
                 "spec": {"deploymentID": "s-1:abc", "stagedDeploymentID": "s-1:abc"}}
                """.formatted(clusterLabels("c1"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(view(bd)), T0);

        assertEquals(1, r.summary().getWaitApplied());
        assertEquals("False", r.ready().getStatus());
    }

    @Test
    void outOfSyncWhileADeploymentIsStaged() {
        String bd = """
                {"metadata": {"name": "app", "uid": "u1", "labels": %s},
                 "spec": {"deploymentID": "s-1:abc", "stagedDeploymentID": "s-2:def"},
                 "status": {"appliedDeploymentID": "s-1:abc", "ready": true, "nonModified": true}}
                """.formatted(clusterLabels("c1"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(view(bd)), T0);

        assertEquals(1, r.summary().getOutOfSync());
        assertEquals("OutOfSync", r.display().getState());
        assertEquals("OutOfSync(1) [Bundle app]", r.ready().getMessage());
    }

    @Test
    void theWorstStateIsShownAndEveryStateIsInTheMessage() {
        String notReady = """
                {"metadata": {"name": "a", "uid": "u1", "labels": %s},
                 "spec": {"deploymentID": "d", "stagedDeploymentID": "d"},
                 "status": {"appliedDeploymentID": "d", "ready": false, "nonModified": true,
                   "conditions": [{"type": "Monitored", "status": "False", "message": "not ready yet"}]}}
                """.formatted(clusterLabels("c1"));
        String errApplied = """
                {"metadata": {"name": "b", "uid": "u2", "labels": %s},
                 "spec": {"deploymentID": "d2", "stagedDeploymentID": "d2"},
                 "status": {"appliedDeploymentID": "d", "conditions": [{"type": "Deployed", "status": "False",
                   "message": "failed"}]}}
                """.formatted(clusterLabels("c2"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), List.of(view(notReady),
                view(errApplied)), T0);

        assertEquals("ErrApplied", r.display().getState());
        assertEquals("failed", r.display().getMessage());
        assertEquals("ErrApplied(1) [Bundle b: failed]; NotReady(1) [Bundle a: not ready yet]",
                r.ready().getMessage());
    }

    @Test
    void aClusterIsReadyOnlyWhenAllItsBundleDeploymentsAre() {
        String notReady = """
                {"metadata": {"name": "b", "uid": "u2", "labels": %s},
                 "spec": {"deploymentID": "d", "stagedDeploymentID": "d"},
                 "status": {"appliedDeploymentID": "d", "ready": false, "nonModified": true}}
                """.formatted(clusterLabels("c1"));
        List<BundleDeploymentView> bds = List.of(ready("a", "c1"), view(notReady), ready("a", "c2"),
                ready("b", "c2"), ready("a", "c3"));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), bds, T0);

        assertEquals(3, r.desiredReadyClusters());
        assertEquals(2, r.readyClusters(), "c2 and c3; c1 has one BundleDeployment not ready");
        assertEquals("4/5", r.display().getReadyBundleDeployments());
    }

    @Test
    void resourceCountsAreSummedOverAllAndPerCluster() {
        List<BundleDeploymentView> bds = List.of(ready("a", "c1", 3), ready("b", "c1", 2), ready("a", "c2", 3));

        Readiness r = GitRepoReadiness.compute(current("Current"), List.of(), bds, T0);

        assertEquals(8, r.resourceCounts().getReady());
        assertEquals(8, r.resourceCounts().getDesiredReady());
        assertEquals(Map.of("fleet-default/c1", 5, "fleet-default/c2", 3), Map.of(
                "fleet-default/c1", r.perClusterResourceCounts().get("fleet-default/c1").getReady(),
                "fleet-default/c2", r.perClusterResourceCounts().get("fleet-default/c2").getReady()));
        assertEquals(2, r.perClusterResourceCounts().size());
        GitRepoResource cm = resource(r, "configmap", "app/a");
        assertEquals("Ready", cm.getState());
        assertEquals(List.of("fleet-default/c1", "fleet-default/c2"), cm.getPerClusterState().getReady());
    }

    @Test
    void aBundleThatCannotRenderMakesTheGitRepoNotReady() {
        GitRepoCondition broken = condition("Ready", "False", "Error", "targeting error: invalid fleet.yaml", T0);
        List<BundleView> bundles = List.of(new BundleView("fine", "u9", List.of(condition("Ready", "True", null,
                null, T0))), new BundleView("broken", "u5", List.of(broken)));

        Readiness r = GitRepoReadiness.compute(current("Current"), bundles, List.of(), T1);

        assertEquals("False", r.ready().getStatus());
        assertEquals("Error", r.ready().getReason());
        assertEquals("targeting error: invalid fleet.yaml", r.ready().getMessage());
        assertEquals(T0, r.ready().getLastUpdateTime(), "the Bundle's condition, as it is");
        assertEquals("0/0", r.display().getReadyBundleDeployments());
    }

    @Test
    void nothingChangedMeansNothingToWrite() {
        GitRepoStatus status = current("Current");
        List<BundleDeploymentView> bds = List.of(ready("a", "c1"));
        GitRepoReadiness.compute(status, List.of(), bds, T0).writeTo(status);

        Readiness again = GitRepoReadiness.compute(status, List.of(), bds, T1);

        assertEquals(T0, again.ready().getLastUpdateTime(), "unchanged, so not stamped again");
        assertFalse(ReadinessReconciler.differs(status, again));
        assertTrue(ReadinessReconciler.differs(status,
                GitRepoReadiness.compute(status, List.of(), List.of(ready("a", "c1"), ready("a", "c2")), T1)));
    }

    @Test
    void otherConditionsAndFieldsStay() {
        GitRepoStatus status = current("Current");
        status.setCommit("abc");
        status.getConditions().add(condition("Accepted", "True", null, null, T0));
        status.getConditions().add(condition("Ready", "True", null, null, T0));
        status.getConditions().add(condition("Stalled", "False", null, null, T0));
        status.setAdditionalProperty("lastSyncedImageScanTime", T0);

        GitRepoReadiness.compute(status, List.of(), List.of(view("""
                {"metadata": {"name": "a", "uid": "u1", "labels": %s}, "spec": {"deploymentID": "d"}}
                """.formatted(clusterLabels("c1")))), T1).writeTo(status);

        assertEquals(List.of("Accepted", "Ready", "Stalled"), status.getConditions().stream()
                .map(GitRepoCondition::getType).toList(), "Ready replaced where it was");
        assertEquals("False", status.getConditions().get(1).getStatus());
        assertEquals("abc", status.getCommit());
        assertEquals(T0, status.getAdditionalProperties().get("lastSyncedImageScanTime"));
    }

    // ---- how ----

    private static GitRepoStatus current(String gitJobStatus) {
        GitRepoStatus status = new GitRepoStatus();
        status.setGitJobStatus(gitJobStatus);
        status.setConditions(new ArrayList<>());
        return status;
    }

    private static GitRepoCondition condition(String type, String status, String reason, String message,
            String time) {
        GitRepoCondition c = new GitRepoCondition(type, status, reason, message);
        c.setLastUpdateTime(time);
        return c;
    }

    private static String clusterLabels(String cluster) {
        return """
                {"fleet.cattle.io/repo-name": "repo", "fleet.cattle.io/bundle-namespace": "fleet-default",
                 "fleet.cattle.io/bundle-name": "repo-app", "fleet.cattle.io/cluster-namespace": "fleet-default",
                 "fleet.cattle.io/cluster": "%s"}""".formatted(cluster);
    }

    static BundleDeploymentView view(String json) {
        return BundleDeploymentView.of(JSON.unmarshal(json, GenericKubernetesResource.class));
    }

    private static BundleDeploymentView ready(String name, String cluster) {
        return ready(name, cluster, 1);
    }

    /** A ready BundleDeployment of {@code resources} ready resources (one ConfigMap listed). */
    private static BundleDeploymentView ready(String name, String cluster, int resources) {
        return view("""
                {"metadata": {"name": "%s", "uid": "%s-%s", "labels": %s},
                 "spec": {"deploymentID": "s-1:abc", "stagedDeploymentID": "s-1:abc"},
                 "status": {"appliedDeploymentID": "s-1:abc", "ready": true, "nonModified": true,
                   "conditions": [{"type": "Ready", "status": "True"}, {"type": "Deployed", "status": "True"}],
                   "resources": [{"kind": "ConfigMap", "apiVersion": "v1", "namespace": "app", "name": "%s"}],
                   "resourceCounts": {"ready": %d, "desiredReady": %d}}}
                """.formatted(name, cluster, name, clusterLabels(cluster), name, resources, resources));
    }

    private static GitRepoResource resource(Readiness r, String type, String id) {
        return r.resources().stream().filter(x -> type.equals(x.getType()) && id.equals(x.getId())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " " + id + " in " + r.resources().stream()
                        .map(x -> x.getType() + " " + x.getId()).toList()));
    }
}
