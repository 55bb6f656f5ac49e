package io.gitjob.metrics;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;

/**
 * What metrics-service's GitRepo informer keeps of each GitRepo (through {@link io.gitjob.support.TrimmedItemStore}):
 * the name, namespace and uid that name its series and tell a live GitRepo from a deleted one, the resourceVersion
 * the informer compares, the spec fields Fleet labels the {@code fleet_gitrepo_*} gauges with (repo, branch,
 * paths: {@link GitRepoStatusGauges}) and the status those gauges are read from ({@code resourceCounts},
 * {@code readyClusters}, {@code desiredReadyClusters}). Nothing here writes a GitRepo; the rest of one (its
 * targets, managedFields, conditions, the readiness summary) was most of this service's heap per GitRepo.
 */
final class GaugeFieldsTrim {

    private GaugeFieldsTrim() {
    }

    /** A new GitRepo with only the fields above; {@code gitRepo} is left as it is. */
    static GitRepo trim(GitRepo gitRepo) {
        GitRepo kept = new GitRepo();
        kept.setMetadata(identity(gitRepo.getMetadata()));
        GitRepoSpec s = gitRepo.getSpec();
        if (s != null) {
            GitRepoSpec spec = new GitRepoSpec();
            spec.setRepo(s.getRepo());
            spec.setBranch(s.getBranch());
            spec.setPaths(s.getPaths());
            kept.setSpec(spec);
        }
        GitRepoStatus st = gitRepo.getStatus();
        if (st != null) {
            GitRepoStatus status = new GitRepoStatus();
            status.setResourceCounts(st.getResourceCounts());
            status.setReadyClusters(st.getReadyClusters());
            status.setDesiredReadyClusters(st.getDesiredReadyClusters());
            kept.setStatus(status);
        }
        return kept;
    }

    /**
     * What every object metrics-service caches keeps of its metadata: name and namespace (its key), uid (a live
     * object from a re-created one), resourceVersion (the informer tells an update from a resync by it).
     */
    static ObjectMeta identity(ObjectMeta m) {
        ObjectMeta meta = new ObjectMeta();
        if (m != null) {
            meta.setName(m.getName());
            meta.setNamespace(m.getNamespace());
            meta.setUid(m.getUid());
            meta.setResourceVersion(m.getResourceVersion());
        }
        return meta;
    }
}
