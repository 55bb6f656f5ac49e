package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/** The sandbox's Kafka consumer groups and topics as an operator sees them ({@code kafka-consumer-groups.sh}). */
final class ConsumerGroups implements AutoCloseable {

    private final Admin admin;

    ConsumerGroups(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    Set<String> all() {
        return get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
                .map(g -> g.groupId()).collect(Collectors.toCollection(TreeSet::new));
    }

    static Sandbox.Service serviceOf(String group) {
        return Arrays.stream(Sandbox.Service.values()).filter(s -> s.module.equals(group)).findFirst()
                .orElseThrow(() -> new AssertionError("a consumer group of no service: " + group));
    }

    /** Records not yet committed by the group, over every partition it has committed on. */
    long lag(String group) {
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata());
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        var ends = get(admin.listOffsets(latest).all());
        return committed.entrySet().stream().mapToLong(e -> ends.get(e.getKey()).offset() - e.getValue().offset())
                .sum();
    }

    /** The end offset of each partition of {@code topic} now: what a later count of new records starts from. */
    Map<TopicPartition, Long> endOffsets(String topic) {
        var partitions = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions();
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        get(admin.listOffsets(latest).all()).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** {@code kafka-consumer-groups.sh --reset-offsets --to-earliest --execute}, which needs the group empty. */
    void resetToEarliest(String group) {
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata());
        var earliest = get(admin.listOffsets(committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest()))).all());
        assertEquals(0, earliest.values().stream().mapToLong(i -> i.offset()).sum(), "no record expired yet");
        Map<TopicPartition, OffsetAndMetadata> reset = new HashMap<>();
        earliest.forEach((tp, info) -> reset.put(tp, new OffsetAndMetadata(info.offset())));
        // The broker may not have seen the stopped member leave yet: then it refuses, and we ask again.
        await().atMost(SandboxUser.WAIT).ignoreExceptions()
                .until(() -> get(admin.alterConsumerGroupOffsets(group, reset).all()) == null);
        Map<TopicPartition, Long> now = new HashMap<>();
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((tp, o) -> now.put(tp,
                o.offset()));
        Map<TopicPartition, Long> zero = new HashMap<>();
        reset.keySet().forEach(tp -> zero.put(tp, 0L));
        assertEquals(zero, now, group + " starts again from offset 0");
    }

    /**
     * Each group reset to offset 0 while the rest runs, one service at a time, as an operator does it: stop the
     * service, {@code --reset-offsets --to-earliest}, start it; then waits until every group has caught up.
     */
    void replayEveryGroupFromZero(Sandbox sandbox, Set<String> groups) {
        for (String group : groups) {
            sandbox.restart(serviceOf(group), () -> resetToEarliest(group));
        }
        // Each group restarted at offset 0 (checked in resetToEarliest): once none lags, every record of the
        // topics has been read and handled again.
        await().atMost(SandboxUser.WAIT).until(() -> groups.stream().allMatch(g -> lag(g) == 0));
    }

    int membersWithPartitions(String group) {
        return (int) get(admin.describeConsumerGroups(List.of(group)).all()).get(group).members().stream()
                .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    }

    static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
