package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepoCrd;
import io.gitjob.gitrepo.JobConventions;

/**
 * The sandbox's stand-ins for Fleet and the kubelet, in this JVM against the sandbox's API server (Fabric8's mock
 * with {@link SandboxCrudDispatcher} and {@link FleetCrds}): Bundle names as Fleet's CLI makes them, the arguments
 * of Fleet's Job read back, the Bundles and BundleDeployments {@link FleetStandIn} writes and their readiness, and
 * a Pod that cannot pull its image.
 */
@Timeout(60)
class FleetStandInTest {

    private static final String NS = "fleet-local";

    private KubernetesMockServer mock;
    private KubernetesClient client;
    private FleetStandIn fleet;

    @BeforeEach
    void start() {
        mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new SandboxCrudDispatcher(true, true, new JobCreations()), false);
        mock.init(InetAddress.getLoopbackAddress(), 0);
        client = mock.createClient();
        client.apiextensions().v1().customResourceDefinitions().resource(GitRepoCrd.load()).create();
        FleetCrds.all().forEach(crd -> client.apiextensions().v1().customResourceDefinitions().resource(crd).create());
        fleet = new FleetStandIn(client, line -> { }).start();
    }

    @AfterEach
    void stop() {
        fleet.close();
        client.close();
        mock.destroy();
    }

    @Test
    void bundlesAreNamedAsFleetApplyNamesThem() {
        assertEquals("sample-deploy", BundleNames.of("sample", "deploy"));
        assertEquals("sample", BundleNames.of("sample", "."));
        assertEquals("sample-deploy-web", BundleNames.of("sample", "./deploy/web/"));
        // Upper case or other characters get an md5 suffix of the dashed name before they are cleaned away.
        assertEquals("sample-my-app-" + BundleNames.md5("sample-My_App", 8), BundleNames.of("sample", "My_App"));
        String longName = BundleNames.of("a-very-long-gitrepo-name-for-testing", "some/deeply/nested/path/x");
        assertEquals(BundleNames.MAX_LENGTH, longName.length());
        assertEquals("a-very-long-gitrepo-name-for-testing-some-deepl-"
                + BundleNames.md5("a-very-long-gitrepo-name-for-testing-some-deeply-nested-path-x", 5), longName);
    }

    @Test
    void theArgumentsOfFleetsJobAreReadAsFleetApplyReadsThem() {
        Job job = fleetJob("sample", "rancher/fleet:v0.16.1", List.of("deploy", "more"));
        FleetApplyArgs args = FleetApplyArgs.of(job).orElseThrow();
        assertEquals("sample", args.gitRepoName());
        assertEquals(List.of("deploy", "more"), args.paths());
        assertEquals(NS, args.namespace());
        assertEquals(Map.of(FleetConventions.REPO_NAME_LABEL, "sample", "team", "a"), args.labels());
        assertEquals("abc123", args.commit());
        assertEquals("https://example.com/repo.git", args.repo());
        assertEquals(2, args.syncGeneration());
        assertTrue(args.keepResources());
        assertEquals("", args.serviceAccount());
        assertFalse(FleetApplyArgs.of(new JobBuilder().withNewSpec().withNewTemplate().withNewSpec()
                .addNewContainer().withName("apply").withCommand("kubectl", "apply").endContainer().endSpec()
                .endTemplate().endSpec().build()).isPresent(), "a kubectl Job is no fleet-mode Job");
    }

    @Test
    void fleetApplyMakesOneBundlePerPathDeployedReadyAndABundleAnnotatedNotReadyIsReportedSo(@TempDir Path checkout)
            throws Exception {
        Files.createDirectories(checkout.resolve("deploy"));
        Files.writeString(checkout.resolve("deploy/cm.yaml"), SandboxUser.configMap("one"));
        Files.createDirectories(checkout.resolve("empty"));
        FleetApplyArgs args = FleetApplyArgs.of(fleetJob("sample", "rancher/fleet:v0.16.1", List.of("deploy",
                "empty"))).orElseThrow();

        assertEquals(List.of("sample-deploy"), fleet.apply(args, NS, checkout, "abc123"));
        GenericKubernetesResource bundle = bundle("sample-deploy");
        assertEquals(Map.of(FleetConventions.REPO_NAME_LABEL, "sample", "team", "a", FleetConventions.COMMIT_LABEL,
                "abc123"), bundle.getMetadata().getLabels());
        assertEquals("1/1", path(bundle, "status", "display", "readyClusters"));
        assertEquals("True", readyCondition(bundle));
        GenericKubernetesResource deployment = deployment("sample-deploy");
        Map<String, String> labels = deployment.getMetadata().getLabels();
        assertEquals("sample", labels.get(FleetConventions.REPO_NAME_LABEL));
        assertEquals("sample-deploy", labels.get(FleetConventions.BUNDLE_NAME_LABEL));
        assertEquals(NS, labels.get(FleetConventions.BUNDLE_NAMESPACE_LABEL));
        assertEquals(FleetStandIn.CLUSTER, labels.get(FleetStandIn.CLUSTER_LABEL));
        assertEquals(true, path(deployment, "status", "ready"));
        assertEquals(path(deployment, "spec", "deploymentID"), path(deployment, "status", "appliedDeploymentID"));

        bundles().inNamespace(NS).withName("sample-deploy").edit(b -> {
            b.getMetadata().setAnnotations(Map.of(FleetStandIn.NOT_READY_ANNOTATION, "pods not ready"));
            return b;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(path(deployment("sample-deploy"),
                "status", "ready")) && "0/1".equals(path(bundle("sample-deploy"), "status", "display", "readyClusters")));
        assertEquals("False", readyCondition(bundle("sample-deploy")));

        bundles().inNamespace(NS).withName("sample-deploy").edit(b -> {
            b.getMetadata().setAnnotations(Map.of());
            return b;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(path(deployment("sample-deploy"),
                "status", "ready")) && "True".equals(readyCondition(bundle("sample-deploy"))));

        bundles().inNamespace(NS).withName("sample-deploy").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> deployment("sample-deploy") == null);
    }

    /** The runner takes a Job running fleet apply for one: it clones at the Job's commit and makes the Bundles. */
    @Test
    void theRunnerPlaysFleetApplyForAFleetModeJobAndTheJobSucceeds(@TempDir Path scratch) {
        SampleRepo repo = SampleRepo.createIfAbsent(scratch.resolve("repo"), Map.of(
                "deploy/configmap.yaml", SandboxUser.configMap("one"), "more/configmap.yaml", SandboxUser.configMap("two")));
        String head = SandboxUser.headOf(repo);
        io.gitjob.gitrepo.GitRepo gitRepo = new io.gitjob.gitrepo.GitRepo();
        gitRepo.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(NS)
                .withName("sample").build());
        io.gitjob.gitrepo.GitRepoSpec spec = new io.gitjob.gitrepo.GitRepoSpec();
        spec.setRepo(repo.url());
        gitRepo.setSpec(spec);
        gitRepo = client.resource(gitRepo).create();
        Job job = fleetJob("sample", "rancher/fleet:v0.16.1", List.of("deploy", "more"));
        job.getMetadata().setAnnotations(Map.of(JobConventions.COMMIT_ANNOTATION, head));
        job.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                .withApiVersion(io.gitjob.gitrepo.GitRepo.API_VERSION).withKind(io.gitjob.gitrepo.GitRepo.KIND)
                .withName("sample").withUid(gitRepo.getMetadata().getUid()).withController(true).build()));
        job.getSpec().getTemplate().getSpec().getInitContainers().get(0).setArgs(List.of("gitcloner", repo.url(),
                "/workspace", "--branch", SampleRepo.BRANCH));

        try (JobRunner runner = new JobRunner(client, Duration.ZERO, scratch.resolve("runs"), line -> { }, List.of(),
                true).start()) {
            client.batch().v1().jobs().inNamespace(NS).resource(job).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Job now = client.batch().v1().jobs().inNamespace(NS).withName("sample-job").get();
                return now.getStatus() != null && Integer.valueOf(1).equals(now.getStatus().getSucceeded());
            });
            List<GenericKubernetesResource> made = bundles().inNamespace(NS)
                    .withLabel(FleetConventions.REPO_NAME_LABEL, "sample").list().getItems();
            assertEquals(List.of("sample-deploy", "sample-more"), made.stream().map(b -> b.getMetadata().getName())
                    .sorted().toList());
            // The COMMIT variable of Fleet's container names the commit, as fleet apply labels it.
            assertEquals("abc123", made.get(0).getMetadata().getLabels().get(FleetConventions.COMMIT_LABEL));
            assertEquals("Succeeded", pods().get(0).getStatus().getPhase());
            assertEquals("fleet", pods().get(0).getStatus().getContainerStatuses().get(0).getName());
        }
    }

    @Test
    void aJobWhoseImageCannotBePulledKeepsItsPodPendingInErrImagePullThenImagePullBackOff(@TempDir Path scratch) {
        try (JobRunner runner = new JobRunner(client, Duration.ZERO, scratch, line -> { }, List.of(), true).start()) {
            Job job = fleetJob("sample", "rancher/fleet:" + ImagePulls.MISSING_TAG, List.of("deploy"));
            client.batch().v1().jobs().inNamespace(NS).resource(job).create();

            await().atMost(Duration.ofSeconds(10)).until(() -> pods().size() == 1);
            Pod pod = pods().get(0);
            assertEquals("Pending", pod.getStatus().getPhase());
            assertEquals("sample-job", pod.getMetadata().getLabels().get("job-name"));
            assertEquals("sample-job", pod.getMetadata().getLabels().get(JobRunner.JOB_NAME_LABEL));
            assertEquals("v", pod.getMetadata().getLabels().get("from-template"));
            assertEquals(Boolean.TRUE, pod.getMetadata().getOwnerReferences().get(0).getController());
            var cloner = pod.getStatus().getInitContainerStatuses().get(0).getState().getWaiting();
            assertEquals("ErrImagePull", cloner.getReason());
            assertTrue(cloner.getMessage().contains("rancher/fleet:does-not-exist"), cloner.getMessage());
            assertEquals("PodInitializing",
                    pod.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason());

            await().atMost(Duration.ofSeconds(10)).until(() -> "ImagePullBackOff".equals(pods().get(0).getStatus()
                    .getInitContainerStatuses().get(0).getState().getWaiting().getReason()));
            Job stillActive = client.batch().v1().jobs().inNamespace(NS).withName("sample-job").get();
            assertEquals(1, stillActive.getStatus().getActive());
            assertNull(stillActive.getStatus().getSucceeded());
            assertNull(stillActive.getStatus().getFailed());
        }
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(NS).withLabel(JobRunner.JOB_NAME_LABEL, "sample-job").list().getItems();
    }

    /** A Job shaped as Fleet v0.16.1's gitjob makes it: the gitcloner init container, then fleet apply. */
    private static Job fleetJob(String gitRepo, String image, List<String> paths) {
        List<String> args = new java.util.ArrayList<>(List.of("apply", "--targets-file=/run/config/targets.yaml",
                "--label=" + FleetConventions.REPO_NAME_LABEL + "=" + gitRepo + ",team=a", "--namespace", NS,
                "--service-account", "", "--sync-generation=2", "--paused=false", "--target-namespace", "",
                "--keep-resources", "--", gitRepo));
        args.addAll(paths);
        return new JobBuilder().withNewMetadata().withName(gitRepo + "-job").withNamespace(NS)
                .addToLabels(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE).endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewMetadata().addToLabels("from-template", "v")
                .endMetadata().withNewSpec()
                .addToInitContainers(new ContainerBuilder().withName("gitcloner-initializer").withImage(image)
                        .withCommand("fleet").withArgs("gitcloner", "https://example.com/repo.git", "/workspace",
                                "--branch", "main").build())
                .addToContainers(new ContainerBuilder().withName("fleet").withImage(image).withCommand("fleet")
                        .withArgs(args).addNewEnv().withName("COMMIT").withValue("abc123").endEnv().build())
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().build();
    }

    private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> bundles() {
        return client.genericKubernetesResources(FleetStandIn.BUNDLES);
    }

    private GenericKubernetesResource bundle(String name) {
        return bundles().inNamespace(NS).withName(name).get();
    }

    private GenericKubernetesResource deployment(String name) {
        return client.genericKubernetesResources(FleetStandIn.BUNDLE_DEPLOYMENTS)
                .inNamespace(FleetStandIn.clusterNamespace(NS)).withName(name).get();
    }

    @SuppressWarnings("unchecked")
    private static String readyCondition(GenericKubernetesResource bundle) {
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) path(bundle, "status", "conditions");
        return conditions.stream().filter(c -> "Ready".equals(c.get("type"))).map(c -> (String) c.get("status"))
                .findFirst().orElse(null);
    }

    private static Object path(GenericKubernetesResource object, String... keys) {
        Object at = object.getAdditionalProperties();
        for (String key : keys) {
            at = at instanceof Map<?, ?> m ? m.get(key) : null;
        }
        return at;
    }
}
