package io.gitjob.gitrepo;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.events.GitRepoRef;

/**
 * How every service writes its own fields of a GitRepo's status: through the status subresource, only if the
 * GitRepo is still the one the work was for (same uid: a deleted and re-created GitRepo is another one), and
 * again from a fresh read when another writer got there first (409).
 * <p>
 * The change is made on the GitRepo as the caller last saw it, usually its informer's copy, so a write costs the
 * API server one PATCH and no read: the patch carries that copy's {@code resourceVersion}, and the API server
 * answers 409 if anyone wrote the GitRepo since, after which the change is made again on a fresh read. The patch
 * sets or removes each changed top-level status field whole, so the other services' fields stay as they are; a
 * change that changes nothing writes nothing. A JSON patch, not a merge patch: Fabric8's mock API server, which
 * the sandbox and the tests run on, appends lists on a merge patch instead of replacing them.
 */
public final class GitRepoStatusEdit {

    private static final int ATTEMPTS = 5;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private GitRepoStatusEdit() {
    }

    /** @return false when the GitRepo is gone or was re-created, so nothing was written */
    public static boolean edit(KubernetesClient client, GitRepoRef ref, Consumer<GitRepoStatus> change) {
        return edit(client, ref, null, change).isPresent();
    }

    /**
     * @param seen the GitRepo as the caller saw it (an informer's copy, never modified here), or null to read it
     * @return the GitRepo as written (as it was when nothing changed), empty when it is gone or was re-created
     */
    public static Optional<GitRepo> edit(KubernetesClient client, GitRepoRef ref, GitRepo seen,
            Consumer<GitRepoStatus> change) {
        GitRepo base = seen;
        for (int attempt = 1;; attempt++) {
            if (base == null) {
                base = client.resources(GitRepo.class).inNamespace(ref.namespace()).withName(ref.name()).get();
            }
            if (base == null || !ref.uid().equals(base.getMetadata().getUid())) {
                return Optional.empty();
            }
            JsonNode before = base.getStatus() == null ? null : JSON.convertValue(base.getStatus(), JsonNode.class);
            GitRepoStatus status = before == null ? new GitRepoStatus()
                    : JSON.convertValue(before, GitRepoStatus.class);
            change.accept(status);
            ArrayNode ops = patch(before, JSON.convertValue(status, JsonNode.class));
            if (ops.isEmpty()) {
                return Optional.of(base);
            }
            ops.insert(0, JsonNodeFactory.instance.objectNode().put("op", "replace")
                    .put("path", "/metadata/resourceVersion").put("value", base.getMetadata().getResourceVersion()));
            try {
                // On the resource as an item, so Fabric8 takes the name from it instead of reading it first.
                return Optional.of(client.resources(GitRepo.class).inNamespace(ref.namespace()).resource(base)
                        .subresource("status").patch(PatchContext.of(PatchType.JSON), ops.toString()));
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return Optional.empty(); // deleted since it was seen
                }
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
                base = null; // written by someone else since it was seen: again, on a fresh read
            }
        }
    }

    /**
     * The JSON patch (RFC 6902) that turns the status {@code before} (null: the GitRepo has none) into
     * {@code after}: each top-level field that changed is set whole, each one gone removed, never a member inside
     * one (the mock stores a path's escaped "/" as "~1", and {@code perClusterResourceCounts} is keyed by
     * {@code namespace/name}).
     */
    public static ArrayNode patch(JsonNode before, JsonNode after) {
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
