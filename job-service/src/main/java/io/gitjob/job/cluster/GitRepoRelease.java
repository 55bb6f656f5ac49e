package io.gitjob.job.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;

/**
 * Fleet's finalizer on a GitRepo, as Fleet's gitjob keeps it: added to every GitRepo managed in fleet mode;
 * on delete, the GitRepo's Bundles (label {@code fleet.cattle.io/repo-name}) and ImageScans
 * ({@code spec.gitrepoName}) are deleted and, once none is left, the target namespace where
 * {@code deleteNamespace} asks and {@code keepResources} does not forbid, then the finalizer goes. Each step is
 * safe to repeat; a step that has to wait throws {@link Requeue}.
 */
@ApplicationScoped
public class GitRepoRelease {

    private static final Logger LOG = Logger.getLogger(GitRepoRelease.class);
    /** Fleet never deletes these, whatever a GitRepo's deleteNamespace says. */
    static final Set<String> PROTECTED_NAMESPACES = Set.of("fleet-local", "cattle-fleet-system", "fleet-default",
            "cattle-fleet-clusters-system", "default");
    /** How soon to look again while Bundles or ImageScans are on their way out (Fleet waits the same way). */
    static final Duration PURGE_RECHECK = Duration.ofSeconds(2);

    @Inject
    KubernetesClient client;

    @Inject
    ClusterCache cache;


    /**
     * Adds the finalizer on the GitRepo as the cache holds it; a 409 (changed since) is retried with backoff, on the
     * cache as its informer has caught up by then.
     *
     * @return the GitRepo as written (as given when it had the finalizer)
     */
    public GitRepo addFinalizer(GitRepo gitRepo) {
        if (gitRepo.getMetadata().getFinalizers().contains(FleetConventions.GITREPO_FINALIZER)) {
            return gitRepo;
        }
        GitRepo written = patch(gitRepo, gitRepo.getMetadata().getFinalizers().isEmpty()
                ? op("add", "/metadata/finalizers", List.of(FleetConventions.GITREPO_FINALIZER))
                : op("add", "/metadata/finalizers/-", FleetConventions.GITREPO_FINALIZER));
        LOG.infof("Added %s to GitRepo %s/%s", FleetConventions.GITREPO_FINALIZER,
                gitRepo.getMetadata().getNamespace(), gitRepo.getMetadata().getName());
        return written;
    }

    /** Purges what the GitRepo made, then lets it go. */
    public void release(GitRepo gitRepo) {
        String namespace = gitRepo.getMetadata().getNamespace();
        String name = gitRepo.getMetadata().getName();
        // Asked every time, not only when discovery said Fleet is there: a finalizer removed while Bundles are
        // left would leave them deploying to downstream clusters. Only a 404 (no such kind) means none.
        purge(FleetConventions.BUNDLES, bundlesOf(namespace, name));
        purge(FleetConventions.IMAGE_SCANS, imageScansOf(namespace, name));
        purgeTargetNamespace(gitRepo);
        int at = gitRepo.getMetadata().getFinalizers().indexOf(FleetConventions.GITREPO_FINALIZER);
        if (at >= 0) {
            patch(gitRepo, op("test", "/metadata/finalizers/" + at, FleetConventions.GITREPO_FINALIZER),
                    op("remove", "/metadata/finalizers/" + at, null));
            LOG.infof("GitRepo %s/%s: its Bundles are purged; removed %s", namespace, name,
                    FleetConventions.GITREPO_FINALIZER);
        }
    }

    private List<GenericKubernetesResource> bundlesOf(String namespace, String name) {
        try {
            return client.genericKubernetesResources(FleetConventions.BUNDLES).inNamespace(namespace)
                    .withLabel(FleetConventions.REPO_NAME_LABEL, name).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return List.of(); // no Fleet: nothing made Bundles
            }
            throw e;
        }
    }

    private List<GenericKubernetesResource> imageScansOf(String namespace, String name) {
        try {
            return client.genericKubernetesResources(FleetConventions.IMAGE_SCANS).inNamespace(namespace).list().getItems().stream()
                    .filter(scan -> name.equals(spec(scan).get("gitrepoName"))).toList();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return List.of(); // a Fleet without image scans
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        Object spec = resource.getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** Deletes what is not on its way out yet; while any is left, comes back later. */
    private void purge(ResourceDefinitionContext kind, List<GenericKubernetesResource> objects) {
        if (objects.isEmpty()) {
            return;
        }
        for (GenericKubernetesResource object : objects) {
            if (object.getMetadata().getDeletionTimestamp() == null) {
                client.genericKubernetesResources(kind).inNamespace(object.getMetadata().getNamespace())
                        .withName(object.getMetadata().getName()).delete();
            }
        }
        throw new Requeue(objects.size() + " " + kind.getKind() + "(s) of the GitRepo are being deleted",
                PURGE_RECHECK);
    }

    private void purgeTargetNamespace(GitRepo gitRepo) {
        var spec = gitRepo.getSpec();
        String target = spec == null ? null : spec.getTargetNamespace();
        boolean delete = spec != null && Boolean.TRUE.equals(spec.getDeleteNamespace())
                && !Boolean.TRUE.equals(spec.getKeepResources());
        if (!delete || target == null || target.isBlank() || PROTECTED_NAMESPACES.contains(target)
                || target.startsWith("kube-")) {
            return;
        }
        client.namespaces().withName(target).delete();
        LOG.infof("GitRepo %s/%s asked for deleteNamespace: deleted namespace %s",
                gitRepo.getMetadata().getNamespace(), gitRepo.getMetadata().getName(), target);
    }

    /**
     * A JSON patch of the finalizers alone, on the GitRepo as read (its resourceVersion as the precondition): a PUT of
     * the whole object would write the model's idea of the spec back (an empty {@code paths} the user never
     * wrote is a spec change, a new generation, a new Job), and a GitRepo changed since is looked at again.
     */
    private GitRepo patch(GitRepo gitRepo, Map<String, Object>... ops) {
        List<Map<String, Object>> patch = new java.util.ArrayList<>();
        // The resourceVersion set, not tested: a real API server answers a failed test with 422, and a patched
        // object whose resourceVersion is not the stored one with 409 (Conflict), which the work queue retries.
        patch.add(op("replace", "/metadata/resourceVersion", gitRepo.getMetadata().getResourceVersion()));
        patch.addAll(List.of(ops));
        var key = new io.gitjob.events.GitRepoKey(gitRepo.getMetadata().getNamespace(),
                gitRepo.getMetadata().getName());
        cache.ownWrites().writingGitRepo(key);
        GitRepo written = null;
        try {
            // On the GitRepo as an item: Fabric8 would otherwise read it first for its name.
            written = client.resources(GitRepo.class).inNamespace(gitRepo.getMetadata().getNamespace())
                    .resource(gitRepo).patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch));
            if (written != null && written.getMetadata() == null) {
                written = null; // a GitRepo let go by its last finalizer: an empty answer
            }
        } finally {
            cache.ownWrites().wroteGitRepo(key, written);
        }
        return written;
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> operation = new java.util.LinkedHashMap<>();
        operation.put("op", op);
        operation.put("path", path);
        if (value != null) {
            operation.put("value", value);
        }
        return operation;
    }

    /** Not a failure: a step waits for the API server to finish something, and is looked at again. */
    public static final class Requeue extends RuntimeException {
        private final transient Duration after;

        public Requeue(String message, Duration after) {
            super(message, null, false, false);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }
}
