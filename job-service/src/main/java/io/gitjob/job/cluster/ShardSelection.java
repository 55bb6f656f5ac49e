package io.gitjob.job.cluster;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.Shard;

/**
 * This installation's {@link Shard} ({@code gitjob.shard-id}) applied to job-service's reads: GitRepos of
 * another shard are never looked at, and the Jobs made for them (which carry the GitRepo's shard label, as
 * Fleet's do) are not this installation's to finish or terminate.
 */
@ApplicationScoped
public class ShardSelection {

    /** Empty (the default): the default shard, GitRepos without the {@code fleet.cattle.io/shard-ref} label. */
    @ConfigProperty(name = Shard.CONFIG_KEY)
    Optional<String> id;

    public Shard shard() {
        return new Shard(id.orElse(""));
    }

    public boolean manages(HasMetadata object) {
        return shard().manages(object);
    }

    /** The list or watch narrowed to this shard's objects by the API server. */
    public <T, L, R> FilterWatchListDeletable<T, L, R> select(FilterWatchListDeletable<T, L, R> objects) {
        Shard shard = shard();
        return shard.id().isEmpty() ? objects.withoutLabel(FleetConventions.SHARD_REF_LABEL)
                : objects.withLabel(FleetConventions.SHARD_REF_LABEL, shard.id());
    }
}
