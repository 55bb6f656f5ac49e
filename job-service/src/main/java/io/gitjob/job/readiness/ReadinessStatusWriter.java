package io.gitjob.job.readiness;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;

/**
 * Writes the readiness fields and the {@code Ready} condition of a GitRepo through the status subresource, with
 * the house's rules ({@link io.gitjob.gitrepo.GitRepoStatusEdit}'s): only on the same GitRepo (by uid), computed
 * on the status as freshly read so another writer's fields of a moment ago stay, and again from a fresh read on
 * a 409. The write is a JSON patch that sets or removes each changed
 * top-level status field whole ({@link #patch}), never a member inside one: {@code perClusterResourceCounts} is
 * keyed by {@code namespace/name}, and Fabric8's mock API server, which the sandbox runs on, stores a patch path's
 * escaped "/" as "~1" (and appends arrays on a merge patch instead of replacing them).
 */
final class ReadinessStatusWriter {

    private static final int ATTEMPTS = 5;

    private final KubernetesClient client;

    ReadinessStatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param readiness the readiness for the status as it is read
     * @return false when the GitRepo is gone or was re-created, so nothing was written
     */
    boolean write(GitRepoRef ref, Function<GitRepoStatus, GitRepoReadiness.Readiness> readiness) {
        for (int attempt = 1;; attempt++) {
            try {
                var resource = client.resources(GitRepo.class).inNamespace(ref.namespace()).withName(ref.name());
                GitRepo gitRepo = resource.get();
                if (gitRepo == null || !ref.uid().equals(gitRepo.getMetadata().getUid())) {
                    return false;
                }
                GitRepoStatus status = gitRepo.getStatus() == null ? new GitRepoStatus() : gitRepo.getStatus();
                JsonNode before = BundleDeploymentView.MAPPER.valueToTree(status);
                readiness.apply(status).writeTo(status);
                ArrayNode ops = patch(gitRepo.getStatus() == null ? null : before,
                        BundleDeploymentView.MAPPER.valueToTree(status));
                if (ops.isEmpty()) {
                    return true; // written meanwhile (by another replica before a rebalance settled)
                }
                // On the GitRepo as read: the API server answers 409 if another writer (job-service's Job
                // status, the watcher's GitPolling) changed it since, and the conditions are then merged again
                // instead of put back as they were.
                ops.insert(0, JsonNodeFactory.instance.objectNode().put("op", "replace")
                        .put("path", "/metadata/resourceVersion").put("value", gitRepo.getMetadata().getResourceVersion()));
                resource.subresource("status").patch(PatchContext.of(PatchType.JSON), ops.toString());
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * The JSON patch (RFC 6902) that turns the status {@code before} (null: the GitRepo has none) into
     * {@code after}: each top-level field that changed is set whole, each one gone removed.
     */
    static ArrayNode patch(JsonNode before, JsonNode after) {
        ArrayNode ops = JsonNodeFactory.instance.arrayNode();
        if (before == null) {
            ops.addObject().put("op", "add").put("path", "/status").set("value", after);
            return ops;
        }
        for (Iterator<String> names = before.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!after.has(name)) {
                ops.addObject().put("op", "remove").put("path", "/status/" + name);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = after.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().equals(before.get(field.getKey()))) {
                ops.addObject().put("op", "add").put("path", "/status/" + field.getKey()).set("value",
                        field.getValue());
            }
        }
        return ops;
    }
}
