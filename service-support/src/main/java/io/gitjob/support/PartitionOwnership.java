package io.gitjob.support;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoKey;

/**
 * Which GitRepos this replica acts on for work that comes from Kubernetes rather than Kafka (design section
 * 4): those whose partition of one topic it is assigned in its consumer group, with the producer's
 * partitioner ({@link GitRepoKey#partition}). Every service that shards Kubernetes work keeps one of these and
 * feeds it from its rebalance listener; listeners hear of each change, to rebuild or forget their GitRepos.
 * Thread-safe: the Kafka thread writes, any thread asks.
 */
public final class PartitionOwnership {

    private static final Logger LOG = Logger.getLogger(PartitionOwnership.class);

    /** Told of every assignment and revocation, on the thread that reports it (the Kafka consumer's). */
    public interface Listener {
        default void assigned(Set<Integer> partitions) {
        }

        default void revoked(Set<Integer> partitions) {
        }
    }

    private final String topic;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile int partitionCount;

    public PartitionOwnership(String topic) {
        this.topic = topic;
    }

    public boolean owns(GitRepoKey key) {
        int count = partitionCount;
        return count > 0 && owned.contains(key.partition(count));
    }

    public Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    public int partitionCount() {
        return partitionCount;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Partitions of {@link #topic} now assigned, out of {@code totalPartitions}; other topics' are ignored. */
    public void assigned(Collection<Integer> partitions, int totalPartitions) {
        partitionCount = totalPartitions;
        Set<Integer> added = Set.copyOf(partitions);
        owned.addAll(added);
        LOG.infof("Owning %s partitions %s of %d", topic, owned, totalPartitions);
        if (!added.isEmpty()) {
            listeners.forEach(l -> l.assigned(added));
        }
    }

    public void revoked(Collection<Integer> partitions) {
        Set<Integer> removed = Set.copyOf(partitions);
        owned.removeAll(removed);
        LOG.infof("Revoked %s partitions %s; still owning %s", topic, removed, owned);
        if (!removed.isEmpty()) {
            listeners.forEach(l -> l.revoked(removed));
        }
    }

    public String topic() {
        return topic;
    }
}
