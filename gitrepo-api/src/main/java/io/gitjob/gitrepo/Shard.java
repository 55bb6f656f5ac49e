package io.gitjob.gitrepo;

import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Which GitRepos one gitjob installation manages, by Fleet's sharding rule (rancher/fleet {@code pkg/sharding}):
 * the default shard (empty id) takes only objects without the {@code fleet.cattle.io/shard-ref} label, a named
 * shard only those labelled with its id. Fleet's own gitjob follows the same rule, so labelling one GitRepo
 * with gitjob's shard id moves it from Fleet's controller to gitjob's and back again when the label goes.
 * Every service reads its id from {@code gitjob.shard-id}.
 */
public record Shard(String id) {
    public static final String CONFIG_KEY = "gitjob.shard-id";

    public Shard {
        id = id == null ? "" : id.trim();
    }

    public static Shard defaultShard() {
        return new Shard("");
    }

    public boolean manages(HasMetadata object) {
        Map<String, String> labels = object == null ? null : object.getMetadata().getLabels();
        String label = labels == null ? null : labels.get(FleetConventions.SHARD_REF_LABEL);
        return id.isEmpty() ? label == null : id.equals(label);
    }

    /** A label selector the API server applies, so unmanaged GitRepos never reach the informer's cache. */
    public String labelSelector() {
        return id.isEmpty() ? "!" + FleetConventions.SHARD_REF_LABEL : FleetConventions.SHARD_REF_LABEL + "=" + id;
    }
}
