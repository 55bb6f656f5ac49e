package io.gitjob.watcher;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.PolledSource;

/**
 * What the watcher's GitRepo informer keeps of each GitRepo: exactly the fields the watcher reads from it, and no
 * more (managedFields, kubectl's last-applied annotation, Fleet's targets and bundles, the status job-service and
 * Fleet write are most of a GitRepo and never read here). Set on the informer through
 * {@link io.gitjob.support.TrimmedItemStore}; the informer hands the watcher's handlers these copies too, so every
 * reader below must find what it needs in them:
 * <ul>
 * <li>metadata: name, namespace, uid, generation (events, {@link Observed}), resourceVersion (the informer tells an
 * update from a resync by it), the {@link FleetConventions#SHARD_REF_LABEL} label ({@code Shard.manages}), the
 * {@link PolledSource#ANNOTATION} annotation ({@link GitRepoTracker#recordIfMissing});</li>
 * <li>spec: what {@link GitRepoEventFactory#repoSpec} publishes and the poller compares (repo, branch, revision,
 * paths, targetNamespace, clientSecretName, pollingInterval, disablePolling, paused, keepResources),
 * forceSyncGeneration, and what a poll and a webhook read from the cached GitRepo (the raw repo URL,
 * caBundle, insecureSkipTLSVerify, webhookSecret);</li>
 * <li>status: pollingCommit ({@link GitRepoTracker#recordIfMissing}), webhookCommit and lastWebhookTime (a
 * webhook's poll trigger and duplicate check), and, whole, every top-level field the watcher writes
 * ({@code lastPollingTriggered}, the {@code conditions}): its status writes are made on the cached GitRepo
 * ({@link io.gitjob.gitrepo.GitRepoStatusEdit}, one PATCH that sets each changed top-level field whole, with the
 * cached resourceVersion), so a field it writes must be there whole, or the write would drop what others wrote in
 * it. A GitRepo with a status keeps one here, so a write never takes the status for absent and adds it whole.</li>
 * </ul>
 */
public final class CachedGitRepoTrim {

    private CachedGitRepoTrim() {
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
        // The model starts each list and map empty; null is left out of the JSON the store keeps.
        kept.setFinalizers(null);
        kept.setManagedFields(null);
        kept.setOwnerReferences(null);
        kept.setLabels(only(m.getLabels(), FleetConventions.SHARD_REF_LABEL));
        kept.setAnnotations(only(m.getAnnotations(), PolledSource.ANNOTATION));
        kept.setName(m.getName());
        kept.setNamespace(m.getNamespace());
        kept.setUid(m.getUid());
        kept.setResourceVersion(m.getResourceVersion());
        kept.setGeneration(m.getGeneration());
        return kept;
    }

    private static Map<String, String> only(Map<String, String> map, String key) {
        String value = map == null ? null : map.get(key);
        return value == null ? null : Map.of(key, value);
    }

    private static GitRepoSpec spec(GitRepoSpec s) {
        if (s == null) {
            return null;
        }
        GitRepoSpec kept = new GitRepoSpec();
        kept.setRepo(s.getRepo());
        kept.setBranch(s.getBranch());
        kept.setRevision(s.getRevision());
        // Immutable: the setter would replace null by a new list of its own.
        kept.setPaths(s.getPaths() == null ? List.of() : s.getPaths().stream().toList());
        kept.setTargetNamespace(s.getTargetNamespace());
        kept.setClientSecretName(s.getClientSecretName());
        kept.setPollingInterval(s.getPollingInterval());
        kept.setForceSyncGeneration(s.getForceSyncGeneration());
        kept.setDisablePolling(s.getDisablePolling());
        kept.setPaused(s.getPaused());
        kept.setKeepResources(s.getKeepResources());
        kept.setCaBundle(s.getCaBundle());
        kept.setInsecureSkipTLSVerify(s.getInsecureSkipTLSVerify());
        kept.setWebhookSecret(s.getWebhookSecret());
        return kept;
    }

    private static GitRepoStatus status(GitRepoStatus s) {
        if (s == null) {
            return null;
        }
        GitRepoStatus kept = new GitRepoStatus();
        kept.setConditions(s.getConditions() == null ? List.of() : List.copyOf(s.getConditions()));
        kept.setLastPollingTriggered(s.getLastPollingTriggered());
        kept.setPollingCommit(s.getPollingCommit());
        kept.setWebhookCommit(s.getWebhookCommit());
        kept.setLastWebhookTime(s.getLastWebhookTime());
        return kept;
    }
}
