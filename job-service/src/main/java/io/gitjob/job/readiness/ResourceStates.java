package io.gitjob.job.readiness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.gitjob.gitrepo.BundleSummary.ModifiedStatus;
import io.gitjob.gitrepo.BundleSummary.NonReadyStatus;
import io.gitjob.gitrepo.GitRepoResource;
import io.gitjob.gitrepo.ResourceCounts;

/**
 * A GitRepo's {@code resources}, {@code resourceCounts} and {@code perClusterResourceCounts} from its
 * BundleDeployments, as Fleet's {@code resourcestatus} computes them: each deployed resource once, with the
 * clusters where it is in each state; the agents' resource counts summed, over all and per cluster.
 */
final class ResourceStates {

    /** Fleet stops listing clusters in {@code perClusterState} past about this many bytes of cluster ids. */
    private static final int MAX_CLUSTER_ID_BYTES = 1024 * 1024;

    private record Key(String kind, String apiVersion, String namespace, String name) {
        String sortKey() {
            return kind + apiVersion + " " + namespace + "/" + name;
        }
    }

    private record Entry(String state, String clusterId, boolean incomplete) {
    }

    private ResourceStates() {
    }

    static ResourceCounts sum(List<BundleDeploymentView> bundleDeployments) {
        ResourceCounts counts = new ResourceCounts();
        bundleDeployments.forEach(bd -> counts.add(bd.status().resourceCounts));
        return counts;
    }

    static Map<String, ResourceCounts> perCluster(List<BundleDeploymentView> bundleDeployments) {
        Map<String, ResourceCounts> counts = new TreeMap<>();
        for (BundleDeploymentView bd : bundleDeployments) {
            counts.computeIfAbsent(bd.clusterId(), c -> new ResourceCounts()).add(bd.status().resourceCounts);
        }
        return counts;
    }

    /** @param bundleDeployments in uid order; gone over in cluster order (stable), as Fleet does */
    static List<GitRepoResource> resources(List<BundleDeploymentView> bundleDeployments) {
        List<BundleDeploymentView> byCluster = new ArrayList<>(bundleDeployments);
        byCluster.sort(Comparator.comparing(BundleDeploymentView::clusterId));
        Map<Key, List<Entry>> byResource = new LinkedHashMap<>();
        for (BundleDeploymentView bd : byCluster) {
            resourcesOf(bd).forEach((key, entry) -> byResource.computeIfAbsent(key, k -> new ArrayList<>()).add(entry));
        }

        // The size cap applies in this order (descending), as Fleet's, so a truncated list is the same one.
        List<Key> keys = new ArrayList<>(byResource.keySet());
        keys.sort(Comparator.comparing(Key::sortKey).reversed());
        int size = 0;
        List<GitRepoResource> result = new ArrayList<>(keys.size());
        for (Key key : keys) {
            GitRepoResource resource = new GitRepoResource();
            resource.setKind(emptyToNull(key.kind()));
            resource.setApiVersion(emptyToNull(key.apiVersion()));
            resource.setNamespace(emptyToNull(key.namespace()));
            resource.setName(emptyToNull(key.name()));
            resource.setType(emptyToNull(type(key.apiVersion(), key.kind())));
            resource.setId(emptyToNull(key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name()));
            String state = "Ready";
            for (Entry entry : byResource.get(key)) {
                if (entry.incomplete()) {
                    resource.setIncompleteState(true);
                }
                size += entry.clusterId().length();
                if (size < MAX_CLUSTER_ID_BYTES) {
                    addCluster(resource.getPerClusterState(), entry.state(), entry.clusterId());
                }
                // Fleet's rule, literally: the state moves on from "Ready" to the next entry's, whatever it is.
                if ("Ready".equals(state)) {
                    state = entry.state();
                }
            }
            resource.setState(emptyToNull(state));
            result.add(resource);
        }
        result.sort(Comparator.comparing(r -> BundleDeploymentView.blank(r.getType()) + "/"
                + BundleDeploymentView.blank(r.getId())));
        return result;
    }

    /** One BundleDeployment's resources with their state there; later lists override earlier ones, as Fleet's. */
    private static Map<Key, Entry> resourcesOf(BundleDeploymentView bd) {
        String clusterId = bd.clusterId();
        boolean incomplete = bd.status().incompleteState;
        String defaultState = defaultState(bd);
        Map<Key, Entry> resources = new LinkedHashMap<>();
        for (BundleDeploymentView.DeployedResource r : bd.status().resources) {
            resources.put(key(r.kind(), r.apiVersion(), r.namespace(), r.name()),
                    new Entry(defaultState, clusterId, incomplete));
        }
        for (NonReadyStatus n : bd.status().nonReadyStatus) {
            resources.put(key(n.getKind(), n.getApiVersion(), n.getNamespace(), n.getName()),
                    new Entry(BundleDeploymentView.blank(n.getSummary().getState()), clusterId, incomplete));
        }
        for (ModifiedStatus m : bd.status().modifiedStatus) {
            String state = m.isDelete() ? "Orphaned" : m.isMissing() ? "Missing" : "Modified";
            resources.put(key(m.getKind(), m.getApiVersion(), m.getNamespace(), m.getName()),
                    new Entry(state, clusterId, incomplete));
        }
        return resources;
    }

    /**
     * The state of a BundleDeployment's listed resources unless a list says otherwise: its own state, except that
     * NotReady and Modified come from the resources themselves (so the rest are Ready, or Unknown when the lists
     * were cut short).
     */
    private static String defaultState(BundleDeploymentView bd) {
        BundleState state = bd.state();
        if (state == BundleState.NOT_READY || state == BundleState.MODIFIED) {
            return bd.status().incompleteState ? "Unknown" : "Ready";
        }
        return state.fleetName();
    }

    private static void addCluster(GitRepoResource.PerClusterState states, String state, String clusterId) {
        switch (state) {
            case "Ready" -> states.getReady().add(clusterId);
            case "WaitApplied" -> states.getWaitApplied().add(clusterId);
            case "Pending" -> states.getPending().add(clusterId);
            case "Modified" -> states.getModified().add(clusterId);
            // The agent's summarizers say "updating" (Available=False) or "error": both count as not ready.
            case "NotReady", "updating", "error" -> states.getNotReady().add(clusterId);
            case "Orphaned" -> states.getOrphaned().add(clusterId);
            case "Missing" -> states.getMissing().add(clusterId);
            case "Unknown" -> states.getUnknown().add(clusterId);
            default -> {
                // ErrApplied, OutOfSync and the agent's other words are listed under no state, as in Fleet.
            }
        }
    }

    /** "group.kind" ("apps.deployment"), core kinds without a group ("configmap"). */
    static String type(String apiVersion, String kind) {
        String group = BundleDeploymentView.blank(apiVersion).split("/", -1)[0];
        if ("v1".equals(group)) {
            group = "";
        } else if (!group.isEmpty()) {
            group += ".";
        }
        return group + BundleDeploymentView.blank(kind).toLowerCase(Locale.ROOT);
    }

    private static Key key(String kind, String apiVersion, String namespace, String name) {
        return new Key(BundleDeploymentView.blank(kind), BundleDeploymentView.blank(apiVersion),
                BundleDeploymentView.blank(namespace), BundleDeploymentView.blank(name));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
