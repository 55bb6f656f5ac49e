package io.gitjob.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitjob.gitrepo.FleetConventions;

/**
 * The discovery documents kubectl reads before it does anything: which groups, versions and resources the API
 * server has. Fabric8's mock API server stores whatever it is sent but does not describe itself, so without
 * these {@code kubectl get jobs} answers "the server doesn't have a resource type". Served in the legacy
 * (non-aggregated) form with {@code application/json}, which kubectl 1.32 falls back to.
 */
final class Discovery {

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list",
            "patch", "update", "watch");

    private record Resource(String name, String singular, String kind, boolean namespaced, List<String> shortNames) {
    }

    private static final Map<String, List<Resource>> GROUP_VERSIONS = Map.of(
            "v1", List.of(
                    new Resource("pods", "pod", "Pod", true, List.of("po")),
                    new Resource("namespaces", "namespace", "Namespace", false, List.of("ns")),
                    new Resource("configmaps", "configmap", "ConfigMap", true, List.of("cm")),
                    new Resource("secrets", "secret", "Secret", true, List.of()),
                    new Resource("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa")),
                    new Resource("services", "service", "Service", true, List.of("svc")),
                    new Resource("events", "event", "Event", true, List.of("ev"))),
            "batch/v1", List.of(
                    new Resource("jobs", "job", "Job", true, List.of()),
                    new Resource("cronjobs", "cronjob", "CronJob", true, List.of("cj"))),
            "fleet.cattle.io/v1alpha1", List.of(
                    new Resource("gitrepos", "gitrepo", "GitRepo", true, List.of())),
            "apiextensions.k8s.io/v1", List.of(
                    new Resource("customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition",
                            false, List.of("crd", "crds"))));

    /**
     * Fleet's other kinds, served only by a cluster with Fleet installed ({@link SandboxConfig#fleetInstalled}):
     * job-service tells the two apart by whether discovery lists {@code bundles}, as it does on a real cluster.
     */
    private static final List<Resource> FLEET_KINDS = List.of(
            new Resource(FleetConventions.BUNDLE_PLURAL, "bundle", FleetConventions.BUNDLE_KIND, true, List.of()),
            new Resource(FleetConventions.BUNDLE_DEPLOYMENT_PLURAL, "bundledeployment",
                    FleetConventions.BUNDLE_DEPLOYMENT_KIND, true, List.of()),
            new Resource(FleetConventions.IMAGE_SCAN_PLURAL, "imagescan", FleetConventions.IMAGE_SCAN_KIND, true,
                    List.of()));

    /** Resources whose status is a subresource; kubectl lists them as {@code <name>/status}. */
    private static final List<String> WITH_STATUS = List.of("pods", "jobs", "cronjobs", "gitrepos", "namespaces",
            "services", "customresourcedefinitions", FleetConventions.BUNDLE_PLURAL,
            FleetConventions.BUNDLE_DEPLOYMENT_PLURAL, FleetConventions.IMAGE_SCAN_PLURAL);

    private Discovery() {
    }

    /**
     * The document for a request path (query already cut off), or empty when the path is not a discovery path;
     * Fleet's kinds beside GitRepo only when {@code fleetInstalled}.
     */
    static Optional<String> document(String path, boolean fleetInstalled) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/api")) {
            return Optional.of(json(Map.of("kind", "APIVersions", "versions", List.of("v1"),
                    "serverAddressByClientCIDRs", List.of(Map.of("clientCIDR", "0.0.0.0/0",
                            "serverAddress", "127.0.0.1")))));
        }
        if (p.equals("/apis")) {
            return Optional.of(json(Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups",
                    GROUP_VERSIONS.keySet().stream().filter(gv -> gv.contains("/")).sorted().map(Discovery::group)
                            .toList())));
        }
        if (p.equals("/version")) {
            return Optional.of(json(Map.of("major", "1", "minor", "32", "gitVersion", "v1.32.0-gitjob-sandbox",
                    "platform", "fabric8-mock-api-server")));
        }
        String groupVersion = p.startsWith("/api/") ? p.substring("/api/".length())
                : p.startsWith("/apis/") ? p.substring("/apis/".length()) : null;
        List<Resource> resources = groupVersion == null ? null : GROUP_VERSIONS.get(groupVersion);
        if (resources == null) {
            return Optional.empty();
        }
        if (fleetInstalled && FleetConventions.API_VERSION.equals(groupVersion)) {
            resources = java.util.stream.Stream.concat(resources.stream(), FLEET_KINDS.stream()).toList();
        }
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (Resource r : resources) {
            list.add(Map.of("name", r.name(), "singularName", r.singular(), "namespaced", r.namespaced(), "kind",
                    r.kind(), "verbs", VERBS, "shortNames", r.shortNames()));
            if (WITH_STATUS.contains(r.name())) {
                list.add(Map.of("name", r.name() + "/status", "singularName", "", "namespaced", r.namespaced(),
                        "kind", r.kind(), "verbs", List.of("get", "patch", "update")));
            }
        }
        return Optional.of(json(Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", groupVersion,
                "resources", list)));
    }

    private static Map<String, Object> group(String groupVersion) {
        String name = groupVersion.substring(0, groupVersion.indexOf('/'));
        String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
        Map<String, String> gv = Map.of("groupVersion", groupVersion, "version", version);
        return Map.of("name", name, "versions", List.of(gv), "preferredVersion", gv);
    }

    private static String json(Object value) {
        return Serialization.asJson(value);
    }
}
