package io.gitjob.watcher.state;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.events.EventCodec;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.MalformedEventException;
import io.gitjob.events.Topics;
import io.gitjob.events.UrlCredentials;
import io.smallrye.common.annotation.Identifier;

/**
 * The compacted {@code gitrepo-state} topic, with plain Kafka clients: a record per change of a GitRepo (key
 * {@code namespace/name}), a tombstone when it is deleted; and a read of whole partitions from the beginning
 * to their end, which is how a replica learns what was published before it owned them (committed group
 * offsets would skip exactly that older state).
 */
@ApplicationScoped
public class StateTopic {

    private static final Logger LOG = Logger.getLogger(StateTopic.class);

    /**
     * Every {@code kafka.*} setting of the service (bootstrap servers, and the TLS or SASL settings of a secured
     * broker), as Quarkus collects them for its Kafka clients: these plain clients must connect the same way.
     */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "gitjob.watcher.state-read-timeout", defaultValue = "60s")
    Duration readTimeout;

    private KafkaProducer<String, byte[]> producer;

    public void write(GitRepoState state) {
        producer().send(new ProducerRecord<>(Topics.GITREPO_STATE, state.gitRepo().key().toString(),
                EventCodec.encodeState(state)), (metadata, error) -> {
                    if (error != null) {
                        // The next change of this GitRepo writes its state again; a restart publishes it again.
                        LOG.errorf(error, "Could not write the state of %s", state.gitRepo().key());
                    }
                });
    }

    public void tombstone(GitRepoKey key) {
        producer().send(new ProducerRecord<>(Topics.GITREPO_STATE, key.toString(), null));
    }

    /** Waits until what was written reached the broker: before handing partitions to another replica. */
    public void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    /**
     * The newest state of every GitRepo on the given partitions (deleted ones left out), read from offset 0 to
     * the end the partitions have now. A record that is not a valid state is logged and skipped.
     */
    public Map<GitRepoKey, GitRepoState> read(Set<Integer> partitions) {
        Map<GitRepoKey, GitRepoState> states = new HashMap<>();
        Set<GitRepoKey> withCredentials = new java.util.HashSet<>();
        if (partitions.isEmpty()) {
            return states;
        }
        Properties p = new Properties();
        p.putAll(kafkaConfig);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "watcher-state-reader");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> assigned = partitions.stream()
                    .map(n -> new TopicPartition(Topics.GITREPO_STATE, n)).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + readTimeout.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read gitrepo-state partitions " + partitions
                            + " to their end within " + readTimeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(states, record, withCredentials);
                }
            }
        }
        // A state an older watcher wrote with the URL's credentials (this one never does) is written again as
        // read, without them, so compaction drops the old record: nothing else may rewrite a quiet GitRepo's state.
        withCredentials.stream().map(states::get).filter(java.util.Objects::nonNull).forEach(this::write);
        if (!withCredentials.isEmpty()) {
            LOG.infof("Rewrote %d gitrepo-state records that held credentials in a URL", withCredentials.size());
        }
        return states;
    }

    private static void apply(Map<GitRepoKey, GitRepoState> states, ConsumerRecord<String, byte[]> record,
            Set<GitRepoKey> withCredentials) {
        try {
            GitRepoKey key = GitRepoKey.parse(record.key());
            GitRepoState state = EventCodec.decodeState(record.value());
            if (state == null) {
                states.remove(key);
                withCredentials.remove(key);
            } else {
                states.put(key, state);
                // Decoding already took the credentials out (RepoSpec); the record on the topic still has them.
                if (UrlCredentials.carriesCredential(new String(record.value(), StandardCharsets.UTF_8))) {
                    withCredentials.add(key);
                } else {
                    withCredentials.remove(key);
                }
            }
        } catch (MalformedEventException | IllegalArgumentException e) {
            LOG.warnf("Skipping unreadable gitrepo-state record %d@%d (key %s): %s", record.partition(),
                    record.offset(), record.key(), e.getMessage());
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.putAll(kafkaConfig);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "watcher-state-writer");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
