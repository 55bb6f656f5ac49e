package io.gitjob.events;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * The Kafka record key of every gitjob topic: {@code namespace/name} of the GitRepo. Keying by GitRepo
 * keeps each GitRepo's events in order on one partition; this class is the only place that knows the format.
 */
public record GitRepoKey(String namespace, String name) {

    public GitRepoKey {
        Checks.nonBlank(namespace, "namespace");
        Checks.nonBlank(name, "name");
        if (namespace.contains("/") || name.contains("/")) {
            throw new IllegalArgumentException("namespace and name must not contain '/': " + namespace + "/" + name);
        }
        // A service keeps a GitRepo's key in several maps (state, schedule, traces, recorded decisions), each made
        // from another record or event: one copy of each name instead of one per map. Interned strings go with
        // their last key (the JVM's string table holds them weakly).
        namespace = namespace.intern();
        name = name.intern();
    }

    /** Parses a record key; a key that is not {@code namespace/name} is a clear error, never a guess. */
    public static GitRepoKey parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("record key is missing: expected 'namespace/name'");
        }
        int slash = key.indexOf('/');
        if (slash <= 0 || slash != key.lastIndexOf('/') || slash == key.length() - 1) {
            throw new IllegalArgumentException("record key '" + key + "' is not of the form 'namespace/name'");
        }
        return new GitRepoKey(key.substring(0, slash), key.substring(slash + 1));
    }

    /**
     * The partition Kafka's default partitioner picks for this key. Work that comes from Kubernetes rather
     * than from Kafka is sharded with it, so a replica acts on exactly the GitRepos whose partitions it owns.
     */
    public int partition(int numPartitions) {
        if (numPartitions <= 0) {
            throw new IllegalArgumentException("numPartitions must be > 0, was " + numPartitions);
        }
        return Utils.toPositive(Utils.murmur2(toString().getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
