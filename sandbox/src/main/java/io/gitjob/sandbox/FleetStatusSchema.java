package io.gitjob.sandbox;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The status schema of Fleet's GitRepo CRD ({@code charts/fleet-crd/templates/crds.yaml} in rancher/fleet,
 * v0.13 to v0.16), which has no {@code x-kubernetes-preserve-unknown-fields} on {@code status}: a real API server
 * with that CRD drops every other status field when it stores a GitRepo, whoever wrote it and however (create,
 * update, patch, of the resource or of its status subresource). gitjob's own CRD keeps unknown fields, and
 * Fabric8's mock API server keeps everything, so without this a sandbox hides a field that a Fleet cluster
 * throws away (issue 14: {@code status.observedEventTime}).
 *
 * <p>Pruned here: the top level of {@code status}, and the fields of each condition (Fleet's condition schema).
 * The nested objects Fleet itself writes ({@code display}, {@code summary}, {@code resources}...) are kept as
 * written: gitjob never writes them.
 */
final class FleetStatusSchema {

    /** Fleet's GitRepo {@code status.properties}, exactly. */
    static final Set<String> STATUS_FIELDS = Set.of("commit", "conditions", "desiredReadyClusters", "display",
            "gitJobStatus", "lastPollingTriggered", "lastSyncedImageScanTime", "lastWebhookTime",
            "observedGeneration", "perClusterResourceCounts", "pollingCommit", "readyClusters", "resourceCounts",
            "resources", "summary", "updateGeneration", "webhookCommit");
    /** Fleet's {@code status.conditions[].properties}, exactly. */
    static final Set<String> CONDITION_FIELDS = Set.of("lastTransitionTime", "lastUpdateTime", "message", "reason",
            "status", "type");

    private FleetStatusSchema() {
    }

    /** Whether an API path names GitRepos of {@code fleet.cattle.io} (the resource, one, or its status). */
    static boolean isGitRepoPath(String path) {
        ApiRequest request = ApiRequest.of("GET", path);
        return "fleet.cattle.io".equals(request.group()) && request.resource().startsWith("gitrepos");
    }

    /** Removes from {@code gitRepo} (a whole GitRepo object) what Fleet's schema does not define; whether any. */
    static boolean prune(JsonNode gitRepo) {
        JsonNode status = gitRepo.get("status");
        if (!(status instanceof ObjectNode statusObject)) {
            return false;
        }
        boolean pruned = retainOnly(statusObject, STATUS_FIELDS);
        JsonNode conditions = statusObject.get("conditions");
        if (conditions != null && conditions.isArray()) {
            for (JsonNode condition : conditions) {
                if (condition instanceof ObjectNode c) {
                    pruned |= retainOnly(c, CONDITION_FIELDS);
                }
            }
        }
        return pruned;
    }

    private static boolean retainOnly(ObjectNode object, Set<String> known) {
        boolean removed = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            if (!known.contains(it.next().getKey())) {
                it.remove();
                removed = true;
            }
        }
        return removed;
    }
}
