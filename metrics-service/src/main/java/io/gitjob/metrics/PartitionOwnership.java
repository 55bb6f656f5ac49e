package io.gitjob.metrics;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells the recorder which partitions this replica consumes, so the series of GitRepos whose partitions
 * moved to another replica are dropped here (design section 4). Named in application.properties by
 * {@code consumer-rebalance-listener.name}.
 */
@ApplicationScoped
@Identifier(PartitionOwnership.NAME)
public class PartitionOwnership implements KafkaConsumerRebalanceListener {

    public static final String NAME = "metrics-service-partitions";

    @Inject
    GitJobMetrics metrics;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        metrics.partitionsAssigned(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        metrics.partitionsRevoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        metrics.partitionsLost(partitions);
    }
}
