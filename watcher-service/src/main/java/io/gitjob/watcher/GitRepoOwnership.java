package io.gitjob.watcher;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.gitjob.events.Topics;
import io.gitjob.watcher.state.StateTopic;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Which GitRepos this replica watches and polls (design section 4): those on the {@code gitrepo-state}
 * partitions Kafka assigns to it as a member of the {@code watcher-service} consumer group. On assignment
 * (also the first, at start-up) it rebuilds those GitRepos from {@code gitrepo-state} and the cluster and
 * publishes what was missed; on revocation it forgets them. Runs on the Kafka consumer's thread, so an
 * assignment is complete before the next rebalance is handled.
 */
@ApplicationScoped
@Identifier("gitrepo-state-ownership")
@Default
public class GitRepoOwnership implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(GitRepoOwnership.class);

    @Inject
    GitRepoTracker tracker;

    @Inject
    StateTopic stateTopic;

    @Inject
    GitRepoWatch watch;

    @ConfigProperty(name = "gitjob.watcher.informer-sync-timeout", defaultValue = "120s")
    Duration syncTimeout;

    /**
     * The group membership's consumer reads the watcher's own state records; only its partition assignment
     * matters. The records themselves are read whole by {@link StateTopic#read} on assignment.
     */
    @Incoming("gitrepo-state-membership")
    void membership(ConsumerRecord<String, byte[]> record) {
        // nothing to do: see above
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> assigned = numbers(partitions);
        if (assigned.isEmpty()) {
            return;
        }
        try {
            rebuild(assigned, consumer.partitionsFor(Topics.GITREPO_STATE).size());
        } catch (RuntimeException e) {
            // Unowned partitions would be assigned yet silent until the next rebalance: forget the partial
            // rebuild and ask for another assignment, which rebuilds again.
            LOG.errorf(e, "Rebuilding partitions %s failed; asking for a new assignment", assigned);
            tracker.revoked(assigned);
            consumer.enforceRebalance("gitjob watcher: rebuild of " + assigned + " failed");
        }
    }

    /** The rebuild of an assignment; tests call it to replay a restart without stopping the application. */
    public void rebuild(Set<Integer> partitions, int partitionCount) {
        var stored = stateTopic.read(partitions);
        watch.awaitSynced(syncTimeout);
        tracker.assigned(partitions, partitionCount, stored, watch::cached,
                state -> watch.inAnotherShard(state.gitRepo()));
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> revoked = numbers(partitions);
        if (!revoked.isEmpty()) {
            tracker.revoked(revoked);
            // The next owner reads the state topic: what this replica wrote must be there first.
            stateTopic.flush();
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> p.topic().equals(Topics.GITREPO_STATE))
                .map(TopicPartition::partition).collect(Collectors.toSet());
    }
}
