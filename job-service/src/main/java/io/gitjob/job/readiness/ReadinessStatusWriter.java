package io.gitjob.job.readiness;

import java.util.function.Function;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.GitRepoStatusEdit;




/**
 * Writes the readiness fields and the {@code Ready} condition of a GitRepo through the status subresource, by the
 * house's rule ({@link GitRepoStatusEdit}): on the GitRepo as the cache holds it, one PATCH that sets each changed
 * top-level field whole, only on the same GitRepo (by uid), again from a fresh read on a 409 (job-service's Job
 * status or the watcher's GitPolling written meanwhile), so another writer's fields of a moment ago stay.
 */
final class ReadinessStatusWriter {

    private final KubernetesClient client;

    ReadinessStatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param seen the GitRepo as the cache holds it
     * @param readiness the readiness for the status as it is when written
     * @return false when the GitRepo is gone or was re-created, so nothing was written
     */
    boolean write(GitRepoRef ref, GitRepo seen, Function<GitRepoStatus, GitRepoReadiness.Readiness> readiness) {
        return GitRepoStatusEdit.edit(client, ref, seen, status -> readiness.apply(status).writeTo(status))
                .isPresent();
    }
}
