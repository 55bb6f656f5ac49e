package io.gitjob.job.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoDisplay;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;

/**
 * What job-service's GitRepo informer keeps of each GitRepo (set through {@link io.gitjob.support.TrimmedItemStore};
 * the Job reconciler and the readiness reconciler share it, and their handlers get these copies too):
 * <ul>
 * <li>metadata: name, namespace, uid, resourceVersion (the informer tells an update from a resync by it, and
 * every write carries it), generation, deletionTimestamp, the finalizers (Fleet's is added and removed on this
 * copy), the labels (copied to Bundles; the shard label) and the annotations (the job mode, the polled source)
 * but kubectl's last-applied copy. Not kept: managedFields, creationTimestamp, ownerReferences and the rest,
 * which nothing here reads;</li>
 * <li>spec: whole, as given: the Jobs are built from all of it;</li>
 * <li>status: what the decisions read ({@code pollingCommit}, {@code commit}, {@code observedGeneration},
 * {@code updateGeneration}, {@code gitJobStatus}, the {@code Accepted} condition) and, whole, every top-level
 * field job-service writes ({@code conditions}, Fleet's readiness fields): a write is a JSON patch of the
 * top-level fields that differ between this copy and the changed one (
 * {@link io.gitjob.gitrepo.GitRepoStatusEdit}), so a field job-service writes must be here whole, and a field
 * absent from both is left as the API server has it. Not kept: the watcher's {@code lastPollingTriggered},
 * {@code webhookCommit}, {@code lastWebhookTime} and fields gitjob does not know. A GitRepo with a status keeps
 * one here, or a write would take it for absent and add the status whole.</li>
 * </ul>
 * The store keeps these packed ({@link io.gitjob.support.TrimmedItemStore}); a read is a new copy.
 */
public final class DecisionFieldsTrim {

    /** kubectl's copy of what it applied last: as large as the object, and read by nothing here. */
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private DecisionFieldsTrim() {
    }

    /** A new GitRepo with only the fields above; {@code gitRepo} is left as it is. */
    public static GitRepo trim(GitRepo gitRepo) {
        GitRepo kept = new GitRepo();
        kept.setMetadata(metadata(gitRepo.getMetadata()));
        kept.setSpec(spec(gitRepo.getSpec()));
        kept.setStatus(status(gitRepo.getStatus()));
        return kept;
    }

    private static ObjectMeta metadata(ObjectMeta m) {
        ObjectMeta kept = new ObjectMeta();
        kept.setManagedFields(null);
        kept.setOwnerReferences(null);
        kept.setName(m.getName());
        kept.setNamespace(m.getNamespace());
        kept.setUid(m.getUid());
        kept.setResourceVersion(m.getResourceVersion());
        kept.setGeneration(m.getGeneration());
        kept.setDeletionTimestamp(m.getDeletionTimestamp());
        // Read without a null check (GitRepoRelease): the model reads an absent list back as an empty one.
        kept.setFinalizers(m.getFinalizers() == null ? List.of() : m.getFinalizers().stream().toList());
        kept.setLabels(copy(m.getLabels(), null));
        kept.setAnnotations(copy(m.getAnnotations(), LAST_APPLIED));
        return kept;
    }

    /** The map without {@code dropped}, null when nothing is left. */
    static Map<String, String> copy(Map<String, String> map, String dropped) {
        if (map == null || map.isEmpty() || (dropped != null && map.size() == 1 && map.containsKey(dropped))) {
            return null;
        }
        Map<String, String> kept = new HashMap<>(map.size() * 4 / 3 + 1);
        map.forEach((k, v) -> {
            if (!k.equals(dropped)) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    private static GitRepoSpec spec(GitRepoSpec s) {
        return s;
    }

    private static GitRepoStatus status(GitRepoStatus s) {
        if (s == null) {
            return null;
        }
        GitRepoStatus kept = new GitRepoStatus();
        kept.setCommit(s.getCommit());
        kept.setObservedGeneration(s.getObservedGeneration());
        kept.setUpdateGeneration(s.getUpdateGeneration());
        kept.setGitJobStatus(s.getGitJobStatus());
        kept.setPollingCommit(s.getPollingCommit());
        kept.setConditions(s.getConditions() == null ? null
                : s.getConditions().stream().map(DecisionFieldsTrim::condition).toList());
        kept.setSummary(s.getSummary());
        kept.setDisplay(display(s.getDisplay()));
        kept.setReadyClusters(s.getReadyClusters());
        kept.setDesiredReadyClusters(s.getDesiredReadyClusters());
        kept.setResourceCounts(s.getResourceCounts());
        kept.setPerClusterResourceCounts(s.getPerClusterResourceCounts());
        kept.setResources(s.getResources());
        return kept;
    }

    private static GitRepoCondition condition(GitRepoCondition c) {
        GitRepoCondition kept = new GitRepoCondition(c.getType(), c.getStatus(), c.getReason(), c.getMessage());
        kept.setLastUpdateTime(c.getLastUpdateTime());
        kept.setLastTransitionTime(c.getLastTransitionTime());
        return kept;
    }

    private static GitRepoDisplay display(GitRepoDisplay d) {
        if (d == null) {
            return null;
        }
        GitRepoDisplay kept = new GitRepoDisplay();
        kept.setReadyBundleDeployments(d.getReadyBundleDeployments());
        kept.setState(d.getState());
        kept.setMessage(d.getMessage());
        kept.setError(d.isError());
        d.getAdditionalProperties().forEach(kept::setAdditionalProperty);
        return kept;
    }
}
