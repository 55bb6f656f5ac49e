package io.gitjob.job.cluster;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;

/**
 * A GitRepo and its Jobs read from the API server, for the one decision that cannot be taken on the caches: after
 * {@link OwnWrites} gave up waiting for them to show a write of job-service's own (a cache that far behind is not
 * to be trusted with a Job's create, which no resourceVersion guards). Never on the steady path.
 */
@ApplicationScoped
public class FreshReads {

    @Inject
    KubernetesClient client;

    @Inject
    ShardSelection shards;

    public Optional<GitRepo> gitRepo(GitRepoKey key) {
        return Optional.ofNullable(client.resources(GitRepo.class).inNamespace(key.namespace()).withName(key.name())
                .get());
    }

    /** The Jobs gitjob made for a GitRepo of this name (any uid: the decision tells them apart). */
    public List<Job> jobsOf(GitRepoKey key) {
        return shards.select(client.batch().v1().jobs().inNamespace(key.namespace())
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .withLabel(JobConventions.GITREPO_LABEL, key.name()))
                .list().getItems();
    }
}
