package io.gitjob.deploy;

import static io.gitjob.deploy.DeployManifestsTest.KAFKA;
import static io.gitjob.deploy.DeployManifestsTest.NS;
import static io.gitjob.deploy.DeployManifestsTest.ROOT;
import static io.gitjob.deploy.DeployManifestsTest.podSpec;
import static io.gitjob.deploy.DeployManifestsTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.gitjob.deploy.DeployManifestsTest.Service;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;

/**
 * The defects of issue 17: manifests that render and validate against every schema, yet break on a real cluster
 * (a name that does not resolve where it is used, a label Prometheus renames, an image that is pulled instead of
 * the one loaded, an alert that cannot fire). Each check reads the rendered objects, as the cluster would.
 */
class RealClusterDefectsTest {

    static final String REGISTRY = "ghcr.io/gitjob/";
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> overlays() {
        return Manifests.overlays().toList();
    }

    /** 1. KEDA's scaler runs in KEDA's namespace: only the Service's namespaced name resolves there. */
    @ParameterizedTest
    @MethodSource("overlays")
    void kedaReachesTheBrokersByANameThatResolvesFromItsOwnNamespace(String overlay) {
        Manifests m = render(overlay);
        int tlsPort = m.one(Kafka.class, KAFKA).getSpec().getKafka().getListeners().stream()
                .filter(l -> l.isTls()).findFirst().orElseThrow().getPort();
        // Strimzi's broker certificates name the bootstrap Service as <svc>, <svc>.<ns>, <svc>.<ns>.svc and
        // <svc>.<ns>.svc.cluster.local; the last two resolve from any namespace and pass hostname verification.
        Set<String> resolvable = Set.of(KAFKA + "-kafka-bootstrap." + NS + ".svc:" + tlsPort,
                KAFKA + "-kafka-bootstrap." + NS + ".svc.cluster.local:" + tlsPort);
        List<GenericKubernetesResource> scaled = m.generic("ScaledObject");
        assertEquals(2, scaled.size());
        for (GenericKubernetesResource so : scaled) {
            for (Object t : (List<?>) ((Map<?, ?>) so.get("spec")).get("triggers")) {
                Map<?, ?> meta = (Map<?, ?>) ((Map<?, ?>) t).get("metadata");
                for (String server : ((String) meta.get("bootstrapServers")).split(",")) {
                    assertTrue(resolvable.contains(server.strip()),
                            so.getMetadata().getName() + ": " + server + " does not resolve from KEDA's namespace");
                }
                assertEquals("enable", meta.get("tls"), so.getMetadata().getName());
            }
        }
    }

    /** 2. The gitjob series name their GitRepo's namespace; Prometheus must keep that label, not rename it. */
    @ParameterizedTest
    @MethodSource("overlays")
    void prometheusKeepsTheSeriesOwnNamespaceLabel(String overlay) throws Exception {
        Manifests m = render(overlay);
        GenericKubernetesResource services = m.generic("PodMonitor").stream()
                .filter(p -> p.getMetadata().getName().equals("gitjob-services")).findFirst().orElseThrow();
        List<?> endpoints = (List<?>) ((Map<?, ?>) services.get("spec")).get("podMetricsEndpoints");
        assertFalse(endpoints.isEmpty());
        for (Object e : endpoints) {
            assertEquals(true, ((Map<?, ?>) e).get("honorLabels"), "honorLabels on " + e);
        }
        String rules = JSON.writeValueAsString(m.generic("PrometheusRule").get(0).getAdditionalProperties());
        String dashboard = m.one(io.fabric8.kubernetes.api.model.ConfigMap.class, "gitjob-grafana-dashboard").getData()
                .get("gitjob-dashboard.json");
        assertFalse(rules.contains("exported_namespace") || dashboard.contains("exported_namespace"));
    }

    /**
     * 3. Jobs carry blockOwnerDeletion on their GitRepo ownerReference (JobEnvelope); with
     * OwnerReferencesPermissionEnforcement that needs update on the owner's finalizers.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void jobServiceMaySetBlockOwnerDeletionOnGitRepos(String overlay) {
        Manifests m = render(overlay);
        assertTrue(clusterRules(m, Service.JOB.serviceAccount).contains("fleet.cattle.io|gitrepos/finalizers|update"));
    }

    /** 4. Images: one registry that is ours, a tag per overlay, and dev runs what was loaded into the node. */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyImageIsOursTaggedInTheOverlayAndDevNeverPullsIt(String overlay) throws Exception {
        Manifests m = render(overlay);
        String version = projectVersion();
        for (Service service : Service.values()) {
            Container c = container(m, service);
            String image = c.getImage();
            assertTrue(image.startsWith(REGISTRY + service.module + ":"), service.module + ": " + image);
            String tag = image.substring(image.lastIndexOf(':') + 1);
            assertFalse(tag.equals("latest"), image);
            if (overlay.equals("dev")) {
                assertEquals(version, tag, "dev runs what this checkout builds: " + image);
                assertTrue(Set.of("IfNotPresent", "Never").contains(c.getImagePullPolicy()),
                        service.module + ": imagePullPolicy " + c.getImagePullPolicy() + " pulls over a loaded image");
            } else {
                assertFalse(tag.endsWith("-SNAPSHOT"), "production runs released images: " + image);
            }
        }
        // The overlay's images: entries are the one place they are named; the base carries the names only.
        Map<String, Object> kustomization = Yaml.documents(Files.readString(
                ROOT.resolve("deploy/overlays").resolve(overlay).resolve("kustomization.yaml"))).get(0);
        Set<String> named = MiniKustomize.list(kustomization.get("images")).stream()
                .map(i -> (String) MiniKustomize.map(i).get("name")).collect(Collectors.toSet());
        assertEquals(Set.of("gitjob/watcher-service", "gitjob/job-service", "gitjob/metrics-service",
                "gitjob/janitor-service"), named);
        Manifests base = new Manifests("base", KustomizeRender.render(ROOT.resolve("deploy/base")));
        for (Service service : Service.values()) {
            assertEquals("gitjob/" + service.module, container(base, service).getImage(), "no tag in the base");
        }
    }

    /** 6. "Plain-text logs" in dev means every service, the janitor's CronJob too. */
    @ParameterizedTest
    @MethodSource("overlays")
    void devLogsPlainTextInEveryServiceAndProductionJson(String overlay) {
        Manifests m = render(overlay);
        for (Service service : Service.values()) {
            Optional<String> json = container(m, service).getEnv().stream()
                    .filter(e -> e.getName().equals("GITJOB_LOG_JSON")).map(EnvVar::getValue).findFirst();
            // Unset means the default, gitjob.log.json=true.
            assertEquals(overlay.equals("dev") ? Optional.of("false") : Optional.empty(), json, service.module);
        }
    }

    /** 7. The last-success series exists only after a first success: absent() catches a janitor that never had one. */
    @ParameterizedTest
    @MethodSource("overlays")
    void janitorAlertAlsoFiresForAJanitorThatNeverSucceeded(String overlay) throws Exception {
        Manifests m = render(overlay);
        CronJob cron = m.one(CronJob.class, "fleet-cleanup-gitrepo-jobs");
        String selector = "{namespace=\"" + cron.getMetadata().getNamespace() + "\", cronjob=\""
                + cron.getMetadata().getName() + "\"}";
        String expr = alertExpr(m, "GitJobJanitorNotRun");
        assertTrue(expr.contains("kube_cronjob_status_last_successful_time" + selector + " > 26 * 3600"), expr);
        assertTrue(expr.contains("absent(kube_cronjob_status_last_successful_time" + selector + ")"), expr);
        // Not at once after an install: only for a CronJob older than the same 26 h.
        assertTrue(expr.contains("kube_cronjob_created" + selector + " > 26 * 3600"), expr);
        // Every selector names the CronJob that is installed, so none can silently match nothing.
        Matcher any = Pattern.compile("kube_cronjob_\\w+(\\{[^}]*})").matcher(expr);
        int selectors = 0;
        while (any.find()) {
            assertEquals(selector, any.group(1), expr);
            selectors++;
        }
        assertEquals(3, selectors);
    }

    /** 8. With one node down, a partition still needs two in-sync replicas: never two brokers on one node. */
    @ParameterizedTest
    @MethodSource("overlays")
    void brokersOfAPoolNeverShareANode(String overlay) {
        Manifests m = render(overlay);
        for (KafkaNodePool pool : m.all(KafkaNodePool.class)) {
            if (!pool.getSpec().getRoles().contains(ProcessRoles.BROKER) || pool.getSpec().getReplicas() < 2) {
                continue;
            }
            // The labels Strimzi puts on the pool's Pods.
            Map<String, String> podLabels = Map.of("strimzi.io/cluster", pool.getMetadata().getLabels()
                    .get("strimzi.io/cluster"), "strimzi.io/pool-name", pool.getMetadata().getName(),
                    "strimzi.io/kind", "Kafka");
            var template = pool.getSpec().getTemplate();
            assertNotNull(template, pool.getMetadata().getName() + ": no pod template, no spread");
            var pod = template.getPod();
            boolean spread = pod.getTopologySpreadConstraints() != null && pod.getTopologySpreadConstraints().stream()
                    .anyMatch(c -> hardPerNode(c) && selects(c.getLabelSelector(), podLabels));
            boolean antiAffinity = pod.getAffinity() != null && pod.getAffinity().getPodAntiAffinity() != null
                    && Optional.ofNullable(pod.getAffinity().getPodAntiAffinity()
                            .getRequiredDuringSchedulingIgnoredDuringExecution()).orElse(List.of()).stream()
                            .anyMatch(t -> perNode(t) && selects(t.getLabelSelector(), podLabels));
            assertTrue(spread || antiAffinity, overlay + ": " + pool.getMetadata().getName()
                    + "'s " + pool.getSpec().getReplicas() + " brokers may all land on one node");
        }
        assertEquals(overlay.equals("production"), m.all(KafkaNodePool.class).stream()
                .anyMatch(p -> p.getSpec().getReplicas() > 1), "production has several brokers, dev one");
    }

    /** 9 (and 5 for the watcher). As Fleet: GitRepos of every namespace, their credentials wherever they are. */
    @ParameterizedTest
    @MethodSource("overlays")
    void watcherWatchesEveryNamespaceAndReadsCredentialsByNameAnywhere(String overlay) {
        Manifests m = render(overlay);
        assertTrue(container(m, Service.WATCHER).getEnv().stream()
                .noneMatch(e -> e.getName().equals("GITJOB_WATCHER_NAMESPACES")), "no namespace list: all of them");
        ServiceConfig config = Service.WATCHER.config();
        assertTrue(config.keys.containsKey("gitjob.watcher.namespaces"), "the list stays a documented option");
        assertNull(config.keys.get("gitjob.watcher.namespaces"), "and is unset by default");
        Set<String> rules = clusterRules(m, Service.WATCHER.serviceAccount);
        assertTrue(rules.containsAll(Set.of("fleet.cattle.io|gitrepos|list", "fleet.cattle.io|gitrepos|watch",
                "|secrets|get")), rules::toString);
        assertTrue(rules.stream().noneMatch(r -> r.startsWith("|secrets|") && !r.endsWith("|get")),
                "Secrets by name only: no list or watch of every Secret in the cluster");
    }

    /**
     * 5. The verbs issue 17 took away stay unused: job-service reads Pods only by label (informer, list), the
     * janitor GitRepos only as a listing. A call by name added later needs get back in deploy/base/rbac/.
     */
    @Test
    void theCodeMakesNoCallThatTheRemovedVerbsWouldAllow() throws Exception {
        assertEquals(List.of(), calls("job-service", "\\.pods\\(\\)[^;]*?\\.withName\\("), "job-service: pods get");
        assertEquals(List.of(), calls("janitor-service", "GitRepo\\.class\\)[^;]*?\\.withName\\("),
                "janitor-service: gitrepos get");
    }

    @Test
    void theOperationsGuideHasTheBuildScalingAndInstallCheck() throws Exception {
        String ops = Files.readString(ROOT.resolve("docs/operations.md"));
        for (String heading : List.of("## Build the images", "## Scaling", "## Verify the install",
                "### Watching only some namespaces")) {
            assertTrue(ops.contains("\n" + heading + "\n"), heading);
        }
        assertTrue(ops.contains("-Dquarkus.container-image.build=true"));
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("openjdk-17-runtime") && readme.contains(REGISTRY), "README's image line");
    }

    // ---- helpers ----

    private static Container container(Manifests m, Service service) {
        List<Container> containers = podSpec(m, service).getContainers();
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    /** What a ServiceAccount may do cluster-wide, as {@code apiGroup|resource|verb}. */
    private static Set<String> clusterRules(Manifests m, String serviceAccount) {
        Set<String> rules = new TreeSet<>();
        for (ClusterRoleBinding b : m.all(ClusterRoleBinding.class)) {
            if (b.getSubjects().stream().anyMatch(s -> s.getName().equals(serviceAccount) && NS.equals(s.getNamespace()))) {
                for (var r : m.one(ClusterRole.class, b.getRoleRef().getName()).getRules()) {
                    if (r.getResourceNames() == null || r.getResourceNames().isEmpty()) {
                        r.getApiGroups().forEach(g -> r.getResources().forEach(res -> r.getVerbs()
                                .forEach(v -> rules.add(g + "|" + res + "|" + v))));
                    }
                }
            }
        }
        return rules;
    }

    /** The statements of a module's main code that match {@code regex} (over line breaks). */
    private static List<String> calls(String module, String regex) throws Exception {
        Pattern p = Pattern.compile(regex, Pattern.DOTALL);
        try (var files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    Matcher match = p.matcher(Files.readString(f));
                    return match.results().map(r -> f.getFileName() + ": " + r.group()).toList().stream();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static String alertExpr(Manifests m, String alert) {
        Map<?, ?> spec = (Map<?, ?>) m.generic("PrometheusRule").get(0).get("spec");
        for (Object g : (List<?>) spec.get("groups")) {
            for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
                if (alert.equals(((Map<?, ?>) r).get("alert"))) {
                    return ((String) ((Map<?, ?>) r).get("expr")).replaceAll("\\s+", " ");
                }
            }
        }
        throw new AssertionError("no alert " + alert);
    }

    private static boolean hardPerNode(TopologySpreadConstraint c) {
        return "kubernetes.io/hostname".equals(c.getTopologyKey()) && "DoNotSchedule".equals(c.getWhenUnsatisfiable())
                && c.getMaxSkew() == 1;
    }

    private static boolean perNode(PodAffinityTerm t) {
        return "kubernetes.io/hostname".equals(t.getTopologyKey());
    }

    /** Whether a matchLabels-only selector selects Pods with these labels (and selects something at all). */
    private static boolean selects(LabelSelector selector, Map<String, String> podLabels) {
        if (selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()
                || selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            return false;
        }
        return podLabels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static String projectVersion() throws Exception {
        Matcher v = Pattern.compile("<artifactId>gitjob-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(v.find(), "the project version in pom.xml");
        return v.group(1).strip();
    }
}
