package io.gitjob.job;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.gitjob.events.Topics;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Feeds the reconciler's partition ownership from the {@code gitrepo-events} consumer's rebalances (named in
 * application.properties by {@code consumer-rebalance-listener.name}): a replica reconciles exactly the GitRepos
 * whose events it consumes.
 */
@ApplicationScoped
@Identifier("gitrepo-events-ownership")
public class GitRepoEventsRebalance implements KafkaConsumerRebalanceListener {

    @Inject
    JobReconciler reconciler;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        reconciler.ownership().assigned(numbers(partitions), consumer.partitionsFor(Topics.GITREPO_EVENTS).size());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        reconciler.ownership().revoked(numbers(partitions));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    private static java.util.List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> p.topic().equals(Topics.GITREPO_EVENTS))
                .map(TopicPartition::partition).toList();
    }
}
