package io.gitjob.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.Topics;

/** Two replicas splitting the partitions act on disjoint GitRepos that together cover all of them. */
class PartitionOwnershipTest {

    @Test
    void twoReplicasEachOwnExactlyTheGitReposOfTheirPartitions() {
        var first = new PartitionOwnership();
        var second = new PartitionOwnership();
        first.onPartitionsAssigned(consumer(), partitions(0, 1, 2, 3, 4, 5));
        second.onPartitionsAssigned(consumer(), partitions(6, 7, 8, 9, 10, 11));

        for (int i = 0; i < 1000; i++) {
            var key = new GitRepoKey("ns-" + (i % 5), "repo-" + i);
            assertTrue(first.owns(key) ^ second.owns(key), key + " must be owned by exactly one replica");
        }
    }

    @Test
    void revokedPartitionsAreNoLongerOwnedAndAssignmentTriggersASweep() {
        var ownership = new PartitionOwnership();
        List<Set<Integer>> sweeps = new ArrayList<>();
        ownership.onAssigned(sweeps::add);
        ownership.onPartitionsAssigned(consumer(), partitions(IntStream.range(0, 12).toArray()));
        var key = new GitRepoKey("fleet-local", "simple");
        assertTrue(ownership.owns(key));
        assertEquals(1, sweeps.size());

        ownership.onPartitionsRevoked(consumer(), partitions(key.partition(12)));
        assertFalse(ownership.owns(key));
    }

    @Test
    void nothingIsOwnedBeforeTheFirstAssignment() {
        assertFalse(new PartitionOwnership().owns(new GitRepoKey("fleet-local", "simple")));
    }

    private static MockConsumer<String, byte[]> consumer() {
        var consumer = new MockConsumer<String, byte[]>(AutoOffsetResetStrategy.EARLIEST.name());
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(Topics.GITREPO_EVENTS, IntStream.range(0, 12)
                .mapToObj(p -> new PartitionInfo(Topics.GITREPO_EVENTS, p, node, new Node[] { node },
                        new Node[] { node }))
                .toList());
        return consumer;
    }

    private static List<TopicPartition> partitions(int... numbers) {
        return IntStream.of(numbers).mapToObj(p -> new TopicPartition(Topics.GITREPO_EVENTS, p)).toList();
    }
}
