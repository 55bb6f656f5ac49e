package io.gitjob.job;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.Topics;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Which GitRepos this replica acts on for work that comes from Kubernetes rather than Kafka (Job
 * completions): those whose {@code gitrepo-events} partition it consumes (design section 4). So with two
 * replicas each Job's completion is handled once, by the replica that also handles its GitRepo's events.
 */
@ApplicationScoped
@Identifier("gitrepo-events-ownership")
@Default // also injectable plainly: the Job watch asks it who owns what
public class PartitionOwnership implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(PartitionOwnership.class);

    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int partitionCount;
    private volatile java.util.function.Consumer<Set<Integer>> onAssigned = partitions -> {
    };

    public boolean owns(GitRepoKey key) {
        int count = partitionCount;
        return count > 0 && owned.contains(key.partition(count));
    }

    /** Called with newly assigned partitions, to pick up what finished while nobody owned them. */
    public void onAssigned(java.util.function.Consumer<Set<Integer>> listener) {
        this.onAssigned = listener;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitionCount = consumer.partitionsFor(Topics.GITREPO_EVENTS).size();
        Set<Integer> added = ConcurrentHashMap.newKeySet();
        partitions.stream().filter(p -> p.topic().equals(Topics.GITREPO_EVENTS))
                .forEach(p -> added.add(p.partition()));
        owned.addAll(added);
        LOG.infof("Owning gitrepo-events partitions %s of %d", owned, partitionCount);
        onAssigned.accept(added);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(p -> owned.remove(p.partition()));
        LOG.infof("Revoked gitrepo-events partitions %s", partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }
}
