package io.gitjob.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.gitrepo.FleetConventions;

/**
 * <b>A stand-in for Fleet</b>, for the sandbox's fleet-mode Jobs: it is not Fleet, it writes the objects Fleet would
 * write, in the shapes the readers of them (gitjob's readiness, {@code kubectl get bundles}) look at.
 * <ul>
 * <li><b>{@code fleet apply}</b> ({@link #apply}): one Bundle per path of the Job, in the GitRepo's namespace, named
 * as Fleet's CLI names it ({@link BundleNames}), labelled with the Job's {@code --label} set (the GitRepo's labels
 * and {@code fleet.cattle.io/repo-name}) and {@code fleet.cattle.io/commit}; its spec holds the path's files as
 * resources and the options of the arguments. Bundles of the GitRepo no longer among its paths are deleted, as
 * {@code fleet apply} prunes them. Not done: {@code fleet.yaml}, Helm, Kustomize, targets, sub-directory bundles.</li>
 * <li><b>Fleet's bundle controller</b>: one BundleDeployment per Bundle for one pretend downstream cluster
 * ({@link #CLUSTER} in the Bundle's namespace), in that cluster's namespace, labelled as Fleet labels them
 * (the Bundle's {@code fleet.cattle.io/*} labels, bundle name and namespace, cluster name and namespace, managed);
 * the Bundle's status (summary, display, partitions, the {@code Ready} condition) from it; a deleted Bundle's
 * BundleDeployments deleted.</li>
 * <li><b>Fleet's agent</b>: the BundleDeployment's status, Ready with every resource of the Bundle deployed, or
 * NotReady while the Bundle carries the annotation {@link #NOT_READY_ANNOTATION} (its value is the message of the
 * resource that is not ready), as a test or a user sets it: {@code kubectl annotate bundle sample-deploy
 * sandbox.gitjob.io/not-ready="pods not ready"}; removing it makes the Bundle ready again.</li>
 * </ul>
 */
final class FleetStandIn implements AutoCloseable {

    /** On a Bundle: its deployment on the pretend cluster is not ready, with this message. */
    static final String NOT_READY_ANNOTATION = "sandbox.gitjob.io/not-ready";
    /** The pretend downstream cluster every Bundle is deployed to (a Cluster in the Bundle's namespace). */
    static final String CLUSTER = "downstream";
    static final String CLUSTER_LABEL = io.gitjob.gitrepo.FleetConventions.CLUSTER_LABEL;
    static final String CLUSTER_NAMESPACE_LABEL = io.gitjob.gitrepo.FleetConventions.CLUSTER_NAMESPACE_LABEL;
    static final String MANAGED_LABEL = "fleet.cattle.io/managed";
    static final ResourceDefinitionContext BUNDLES = context(FleetConventions.BUNDLE_KIND,
            FleetConventions.BUNDLE_PLURAL);
    static final ResourceDefinitionContext BUNDLE_DEPLOYMENTS = context(FleetConventions.BUNDLE_DEPLOYMENT_KIND,
            FleetConventions.BUNDLE_DEPLOYMENT_PLURAL);

    private final KubernetesClient client;
    private final Consumer<String> log;
    private SharedIndexInformer<GenericKubernetesResource> bundles;

    FleetStandIn(KubernetesClient client, Consumer<String> log) {
        this.client = client;
        this.log = log;
    }

    FleetStandIn start() {
        bundles = bundles().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource bundle) {
                followReadiness(bundle);
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource bundle) {
                followReadiness(bundle);
            }

            @Override
            public void onDelete(GenericKubernetesResource bundle, boolean unknownFinalState) {
                deleteDeployments(bundle);
            }
        }, 0);
        return this;
    }

    /** The cluster namespace Fleet would give the pretend cluster of a namespace. */
    static String clusterNamespace(String namespace) {
        return "cluster-" + namespace + "-" + CLUSTER + "-" + BundleNames.md5(namespace + "/" + CLUSTER, 12);
    }

    /**
     * {@code fleet apply} in the Job's working directory {@code checkout}, at {@code checkedOut}; then the bundle
     * controller and the agent for each Bundle. The names of the Bundles written.
     */
    synchronized List<String> apply(FleetApplyArgs args, String defaultNamespace, Path checkout, String checkedOut) {
        String namespace = args.namespace().isEmpty() ? defaultNamespace : args.namespace();
        Map<String, String> labels = new TreeMap<>(args.labels());
        labels.putIfAbsent(FleetConventions.REPO_NAME_LABEL, args.gitRepoName());
        labels.put(FleetConventions.COMMIT_LABEL, args.commit() != null ? args.commit() : checkedOut);
        List<String> written = new ArrayList<>();
        for (String path : args.paths()) {
            Path dir = checkout.resolve(path).normalize();
            List<Map<String, Object>> resources = resources(dir);
            if (resources.isEmpty()) {
                log.accept("fleet apply: " + path + ": no resources found to deploy"); // as fleet apply warns
                continue;
            }
            String name = BundleNames.of(args.gitRepoName(), path);
            GenericKubernetesResource bundle = upsertBundle(namespace, name, labels, bundleSpec(args, resources));
            written.add(name);
            deploy(bundle);
        }
        pruneBundlesNotIn(namespace, args.gitRepoName(), written);
        log.accept("fleet apply: " + args.gitRepoName() + " -> Bundles " + written + " in " + namespace);
        return written;
    }

    private GenericKubernetesResource upsertBundle(String namespace, String name, Map<String, String> labels,
            Map<String, Object> spec) {
        Resource<GenericKubernetesResource> existing = bundles().inNamespace(namespace).withName(name);
        if (existing.get() == null) {
            try {
                return bundles().inNamespace(namespace).resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion(FleetConventions.API_VERSION).withKind(FleetConventions.BUNDLE_KIND)
                        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
                        .addToAdditionalProperties("spec", spec).build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        // As fleet apply updates a Bundle: its spec and labels; annotations (the user's) stay.
        return existing.edit(b -> {
            b.getMetadata().setLabels(new LinkedHashMap<>(labels));
            b.setAdditionalProperty("spec", spec);
            return b;
        });
    }

    private static Map<String, Object> bundleSpec(FleetApplyArgs args, List<Map<String, Object>> resources) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("resources", resources);
        if (!args.serviceAccount().isEmpty()) {
            spec.put("serviceAccount", args.serviceAccount());
        }
        if (!args.targetNamespace().isEmpty()) {
            spec.put("namespace", args.targetNamespace());
        }
        if (args.syncGeneration() != 0) {
            spec.put("forceSyncGeneration", args.syncGeneration());
        }
        if (args.paused()) {
            spec.put("paused", true);
        }
        if (args.keepResources()) {
            spec.put("keepResources", true);
        }
        if (args.deleteNamespace()) {
            spec.put("deleteNamespace", true);
        }
        return spec;
    }

    /** The files of a bundle directory as Fleet stores them in {@code spec.resources}: a name relative to it. */
    private static List<Map<String, Object>> resources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Map<String, Object>> resources = new ArrayList<>();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String relative = dir.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith(".") || relative.contains("/.") || relative.equals("fleet.yaml")) {
                    continue;
                }
                resources.add(Map.of("name", relative, "content", Files.readString(file)));
            }
            return resources;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void pruneBundlesNotIn(String namespace, String gitRepoName, List<String> keep) {
        for (GenericKubernetesResource b : bundles().inNamespace(namespace)
                .withLabel(FleetConventions.REPO_NAME_LABEL, gitRepoName).list().getItems()) {
            if (!keep.contains(b.getMetadata().getName())) {
                bundles().resource(b).delete();
                log.accept("fleet apply: Bundle " + b.getMetadata().getName() + " is no longer in GitRepo "
                        + gitRepoName + ": deleted");
            }
        }
    }

    /** An informer event of a Bundle: the agent reports again when the readiness asked differs from the report. */
    private void followReadiness(GenericKubernetesResource bundle) {
        if (bundle.getMetadata().getDeletionTimestamp() != null || bundle.getAdditionalProperties().get("spec") == null) {
            return;
        }
        try {
            GenericKubernetesResource deployment = deployments().inNamespace(clusterNamespace(bundle.getMetadata()
                    .getNamespace())).withName(bundle.getMetadata().getName()).get();
            if (deployment == null) {
                return; // not deployed yet: fleet apply's own deploy() follows
            }
            Object reported = status(deployment).get("ready");
            if (!Objects.equals(Boolean.TRUE.equals(reported), notReadyMessage(bundle) == null)) {
                synchronized (this) {
                    GenericKubernetesResource fresh = bundles().inNamespace(bundle.getMetadata().getNamespace())
                            .withName(bundle.getMetadata().getName()).get();
                    if (fresh != null) {
                        deploy(fresh);
                    }
                }
            }
        } catch (KubernetesClientException e) {
            log.accept("fleet agent: cannot report Bundle " + bundle.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    /** The bundle controller (BundleDeployment, Bundle status) and the agent (BundleDeployment status). */
    private void deploy(GenericKubernetesResource bundle) {
        String namespace = bundle.getMetadata().getNamespace();
        String name = bundle.getMetadata().getName();
        String clusterNamespace = clusterNamespace(namespace);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) bundle.getAdditionalProperties().get("spec");
        String resourcesSum = sha256(String.valueOf(spec.get("resources")));
        Map<String, Object> options = new LinkedHashMap<>(spec);
        options.remove("resources");
        String deploymentId = "s-" + resourcesSum.substring(0, 54) + ":" + sha256(String.valueOf(options));

        Map<String, String> labels = new TreeMap<>();
        bundle.getMetadata().getLabels().forEach((k, v) -> {
            if (k.startsWith("fleet.cattle.io/") || !k.contains("cattle.io")) {
                labels.put(k, v);
            }
        });
        labels.put(FleetConventions.BUNDLE_NAME_LABEL, name);
        labels.put(FleetConventions.BUNDLE_NAMESPACE_LABEL, namespace);
        labels.put(MANAGED_LABEL, "true");
        labels.put(CLUSTER_NAMESPACE_LABEL, namespace);
        labels.put(CLUSTER_LABEL, CLUSTER);
        Map<String, Object> bdSpec = new LinkedHashMap<>();
        bdSpec.put("deploymentID", deploymentId);
        bdSpec.put("stagedDeploymentID", deploymentId);
        bdSpec.put("options", options);
        bdSpec.put("stagedOptions", options);
        upsertDeployment(clusterNamespace, name, labels, bdSpec);

        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<Map<String, Object>> deployed = deployedResources(spec, namespace);
        String notReady = notReadyMessage(bundle);
        Map<String, Object> agent = agentStatus(deploymentId, deployed, notReady, spec, now);
        deployments().inNamespace(clusterNamespace).withName(name).editStatus(d -> {
            d.setAdditionalProperty("status", agent);
            return d;
        });
        Map<String, Object> controller = bundleStatus(bundle, namespace, notReady, resourcesSum, now);
        bundles().inNamespace(namespace).withName(name).editStatus(b -> {
            b.setAdditionalProperty("status", controller);
            return b;
        });
        log.accept("fleet agent: BundleDeployment " + clusterNamespace + "/" + name + " is "
                + (notReady == null ? "Ready" : "NotReady (" + notReady + ")"));
    }

    private GenericKubernetesResource upsertDeployment(String namespace, String name, Map<String, String> labels,
            Map<String, Object> spec) {
        Resource<GenericKubernetesResource> existing = deployments().inNamespace(namespace).withName(name);
        if (existing.get() == null) {
            try {
                return deployments().inNamespace(namespace).resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion(FleetConventions.API_VERSION)
                        .withKind(FleetConventions.BUNDLE_DEPLOYMENT_KIND).withNewMetadata().withNamespace(namespace)
                        .withName(name).withLabels(labels).endMetadata().addToAdditionalProperties("spec", spec)
                        .build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        return existing.edit(d -> {
            d.getMetadata().setLabels(new LinkedHashMap<>(labels));
            d.setAdditionalProperty("spec", spec);
            return d;
        });
    }

    /** What Fleet's agent reports for the BundleDeployment: every resource deployed, ready or one not ready. */
    private static Map<String, Object> agentStatus(String deploymentId, List<Map<String, Object>> deployed,
            String notReady, Map<String, Object> spec, String now) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("appliedDeploymentID", deploymentId);
        status.put("ready", notReady == null);
        status.put("nonModified", true);
        status.put("conditions", List.of(condition("Installed", true, now), condition("Deployed", true, now),
                condition("Ready", notReady == null, now), condition("Monitored", true, now)));
        status.put("display", Map.of("deployed", "True", "monitored", "True",
                "state", notReady == null ? "Ready" : "NotReady"));
        status.put("resources", deployed);
        int notReadyCount = notReady == null || deployed.isEmpty() ? 0 : 1;
        if (notReadyCount == 1) {
            Map<String, Object> first = new LinkedHashMap<>(deployed.get(0));
            first.put("summary", Map.of("state", "in-progress", "transitioning", true, "message", List.of(notReady)));
            status.put("nonReadyStatus", List.of(first));
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("ready", deployed.size() - notReadyCount);
        counts.put("desiredReady", deployed.size());
        counts.put("waitApplied", 0);
        counts.put("modified", 0);
        counts.put("orphaned", 0);
        counts.put("missing", 0);
        counts.put("unknown", 0);
        counts.put("notReady", notReadyCount);
        status.put("resourceCounts", counts);
        Object sync = spec.get("forceSyncGeneration");
        if (sync != null) {
            status.put("syncGeneration", sync);
        }
        return status;
    }

    /** What Fleet's bundle controller writes on the Bundle from its one target's state. */
    private static Map<String, Object> bundleStatus(GenericKubernetesResource bundle, String namespace,
            String notReady, String resourcesSum, String now) {
        boolean ready = notReady == null;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put(ready ? "ready" : "notReady", 1);
        if (!ready) {
            summary.put("ready", 0);
        }
        summary.put("desiredReady", 1);
        String cluster = namespace + "/" + CLUSTER;
        if (!ready) {
            summary.put("nonReadyResources", List.of(Map.of("name", cluster, "state", "NotReady")));
        }
        Map<String, Object> status = new LinkedHashMap<>();
        Map<String, Object> readyCondition = condition("Ready", ready, now);
        if (!ready) {
            // Fleet's ready message for a summary: "<state>(<count>) [<kind> <name>]", with what is not ready.
            readyCondition.put("message", "NotReady(1) [Cluster " + cluster + "]; " + notReady);
        }
        status.put("conditions", List.of(readyCondition));
        status.put("summary", summary);
        status.put("display", ready ? Map.of("readyClusters", "1/1") : Map.of("readyClusters", "0/1",
                "state", "NotReady"));
        status.put("partitions", List.of(Map.of("name", "All", "count", 1, "maxUnavailable", 1,
                "unavailable", ready ? 0 : 1, "summary", summary)));
        status.put("maxUnavailable", 1);
        status.put("unavailable", ready ? 0 : 1);
        status.put("maxNew", 50);
        status.put("observedGeneration", bundle.getMetadata().getGeneration() == null ? 0
                : bundle.getMetadata().getGeneration());
        status.put("resourcesSha256Sum", resourcesSum);
        return status;
    }

    private static Map<String, Object> condition(String type, boolean status, String now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status ? "True" : "False");
        c.put("lastUpdateTime", now);
        return c;
    }

    /** The objects of the Bundle's YAML resources, as the agent lists what it deployed. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deployedResources(Map<String, Object> spec, String namespace) {
        String defaultNamespace = spec.get("namespace") instanceof String target ? target : "default";
        List<Map<String, Object>> deployed = new ArrayList<>();
        for (Object r : (List<Object>) spec.getOrDefault("resources", List.of())) {
            Map<String, Object> resource = (Map<String, Object>) r;
            String name = String.valueOf(resource.get("name"));
            if (!(name.endsWith(".yaml") || name.endsWith(".yml"))) {
                continue;
            }
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions()))
                    .loadAll(String.valueOf(resource.get("content")))) {
                if (doc instanceof Map<?, ?> object && object.get("kind") != null) {
                    Map<String, Object> metadata = object.get("metadata") instanceof Map<?, ?> m
                            ? (Map<String, Object>) m : Map.of();
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("kind", String.valueOf(object.get("kind")));
                    entry.put("apiVersion", String.valueOf(object.get("apiVersion")));
                    entry.put("namespace", String.valueOf(metadata.getOrDefault("namespace", defaultNamespace)));
                    entry.put("name", String.valueOf(metadata.get("name")));
                    deployed.add(entry);
                }
            }
        }
        return deployed;
    }

    static String notReadyMessage(GenericKubernetesResource bundle) {
        Map<String, String> annotations = bundle.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(NOT_READY_ANNOTATION);
        return value == null ? null : value.isBlank() ? "not ready" : value;
    }

    /** Fleet's bundle controller: a deleted Bundle's BundleDeployments go with it. */
    private void deleteDeployments(GenericKubernetesResource bundle) {
        try {
            deployments().inAnyNamespace()
                    .withLabel(FleetConventions.BUNDLE_NAME_LABEL, bundle.getMetadata().getName())
                    .withLabel(FleetConventions.BUNDLE_NAMESPACE_LABEL, bundle.getMetadata().getNamespace()).list()
                    .getItems().forEach(d -> deployments().resource(d).delete());
            log.accept("fleet controller: Bundle " + bundle.getMetadata().getName() + " deleted, with its "
                    + "BundleDeployments");
        } catch (KubernetesClientException e) {
            log.accept("fleet controller: cannot delete the BundleDeployments of " + bundle.getMetadata().getName()
                    + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource object) {
        Object status = object.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> bundles() {
        return client.genericKubernetesResources(BUNDLES);
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> deployments() {
        return client.genericKubernetesResources(BUNDLE_DEPLOYMENTS);
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(FleetConventions.GROUP)
                .withVersion(FleetConventions.VERSION).withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (bundles != null) {
            bundles.stop();
        }
    }
}
