package io.gitjob.replay;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The tool's Kafka clients. Reads never join a consumer group (they assign partitions and seek), so the
 * tool never moves a service's offsets. An unreachable broker is an error within the timeout, not a hang.
 */
final class KafkaAccess implements AutoCloseable {

    private final String bootstrap;
    private final Duration timeout;
    private final KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;
    private Map<String, List<PartitionInfo>> topics;

    KafkaAccess(String bootstrap, Duration timeout) {
        this.bootstrap = bootstrap;
        this.timeout = timeout;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        // One GitRepo's partition is read whole when no time range narrows it: fewer, larger fetches.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        // A read stops at the end it saw at its start: a fetch never needs to wait for records still to come.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        this.consumer = new KafkaConsumer<>(p);
    }

    KafkaConsumer<String, byte[]> consumer() {
        return consumer;
    }

    /** The partitions of {@code topic}; an unknown topic or an unreachable broker is a clear error. */
    List<TopicPartition> partitions(String topic) {
        try {
            if (topics == null) {
                topics = consumer.listTopics(timeout); // once: a command asking for two topics makes one round trip
            }
        } catch (TimeoutException e) {
            throw new CliException(CliException.BROKER_UNREACHABLE, "Kafka at " + bootstrap
                    + " did not answer within " + timeout.toSeconds() + " s (set --bootstrap-servers or "
                    + "KAFKA_BOOTSTRAP_SERVERS, or a longer --timeout)");
        }
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null || infos.isEmpty()) {
            throw new CliException(CliException.UNKNOWN_TOPIC, "no topic '" + topic + "' on " + bootstrap
                    + "; topics there: " + Set.copyOf(topics.keySet()));
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
            // Kafka insists delivery.timeout >= linger + request.timeout: give a send three round trips.
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(3 * timeout.toMillis()));
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
