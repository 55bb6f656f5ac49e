package io.gitjob.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.gitjob.support.PartitionOwnership;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The rebalance listener of the {@code events} channel (named in application.properties by
 * {@code consumer-rebalance-listener.name}). It tells the recorder which partitions this replica consumes, with
 * the consumer's position in each assigned one, so series are kept only where nothing was consumed elsewhere
 * (design section 4); and it keeps the {@link PartitionOwnership} of {@code gitjob-events}, which says whose
 * GitRepos' failed Jobs this replica counts, then has those counted again.
 */
@ApplicationScoped
@Identifier(EventsRebalanceListener.NAME)
public class EventsRebalanceListener implements KafkaConsumerRebalanceListener {

    public static final String NAME = "metrics-service-partitions";
    private static final Logger LOG = Logger.getLogger(EventsRebalanceListener.class);
    /** Within a rebalance, so well below max.poll.interval.ms; a position not read in time counts as a gap. */
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    GitJobMetrics metrics;

    @Inject
    PartitionOwnership ownership;

    @Inject
    FailedJobsLevel failedJobs;

    @Inject
    GitRepoStatusLevel statusLevel;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        metrics.partitionsAssigned(partitions, positions(consumer, partitions));
        int total = partitionCount(consumer);
        ownership.assigned(numbersOf(partitions), total);
        failedJobs.reconcileLater();
        statusLevel.reconcileLater();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        metrics.partitionsRevoked(partitions);
        ownership.revoked(numbersOf(partitions));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        metrics.partitionsLost(partitions);
        ownership.revoked(numbersOf(partitions));
    }

    /** Where the consumer goes on in each partition: its committed offset (or the reset one). */
    private static Map<TopicPartition, Long> positions(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : partitions) {
            try {
                positions.put(tp, consumer.position(tp, POSITION_TIMEOUT));
            } catch (KafkaException e) {
                LOG.warnf("Position of %s unknown (%s): its series start again", tp, e.toString());
            }
        }
        return positions;
    }

    private int partitionCount(Consumer<?, ?> consumer) {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(ownership.topic());
            if (infos != null && !infos.isEmpty()) {
                return infos.size();
            }
        } catch (KafkaException e) {
            LOG.warnf("Partitions of %s unknown (%s); keeping %d", ownership.topic(), e.toString(),
                    ownership.partitionCount());
        }
        return ownership.partitionCount();
    }

    private List<Integer> numbersOf(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(tp -> tp.topic().equals(ownership.topic())).map(TopicPartition::partition)
                .toList();
    }
}
