package io.gitjob.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.gitjob.events.Event;
import io.gitjob.events.EventCodec;
import io.gitjob.events.EventSerializer;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.Topics;

/**
 * Ordinary Kafka clients against the test broker, the way a user's tools would talk to it: events go out
 * through the event model's serializer, records come back as they are on the topic.
 */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<String, byte[]> producer;
    private final EventSerializer serializer = new EventSerializer();

    public KafkaTestClient() {
        this(KafkaBroker.bootstrapServers());
    }

    public KafkaTestClient(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        serializer.configure(Map.of(EventSerializer.SOURCE_CONFIG, "/gitjob/tests"), false);
    }

    /** Sends an event to its topic, keyed by its GitRepo, with CloudEvents headers; waits for the broker. */
    public RecordMetadata send(Event event) {
        return send(event, Map.of());
    }

    /** Sends an event with extra headers too, e.g. a {@code traceparent} that starts a trace. */
    public RecordMetadata send(Event event, Map<String, String> extraHeaders) {
        String topic = event instanceof GitRepoEvent ? Topics.GITREPO_EVENTS : Topics.GITJOB_EVENTS;
        RecordHeaders headers = new RecordHeaders();
        extraHeaders.forEach((k, v) -> headers.add(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        byte[] value = serializer.serialize(topic, headers, event);
        return await(producer.send(new ProducerRecord<>(topic, null, event.key().toString(), value, headers)));
    }

    /** Sends any bytes (a malformed record, a tombstone) the way a buggy or foreign producer would. */
    public RecordMetadata sendRaw(String topic, String key, byte[] value) {
        return await(producer.send(new ProducerRecord<>(topic, key, value)));
    }

    /** Sends a record again as it was (key, value, headers): how a replay puts old events on a topic. */
    public RecordMetadata sendRecord(String topic, ConsumerRecord<String, byte[]> record) {
        return await(producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(),
                record.headers())));
    }

    /** Every record of {@code topic} from offset 0 up to its end now, in partition order. */
    public List<ConsumerRecord<String, byte[]>> readFromBeginning(String topic) {
        try (TopicReader reader = new TopicReader(bootstrap, topic, true)) {
            return reader.readToEnd();
        }
    }

    /** A reader of {@code topic} that sees only records written from now on. */
    public TopicReader readFromNow(String topic) {
        return new TopicReader(bootstrap, topic);
    }

    private static RecordMetadata await(java.util.concurrent.Future<RecordMetadata> sent) {
        try {
            return sent.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the test broker did not take the record", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        serializer.close();
    }

    /** Reads one topic from the position it had when created, on all partitions. */
    public static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

        TopicReader(String bootstrap, String topic) {
            this(bootstrap, topic, false);
        }

        private final Map<TopicPartition, Long> endAtStart;

        TopicReader(String bootstrap, String topic, boolean fromBeginning) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            endAtStart = consumer.endOffsets(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            partitions.forEach(consumer::position); // resolve the position now, not at the first poll
        }

        /** Reads up to the end offsets the topic had when this reader was made. */
        List<ConsumerRecord<String, byte[]>> readToEnd() {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (endAtStart.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read to the end of the topic within 30 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        /** Waits for the first record, from the start of this reader, that matches; fails after {@code timeout}. */
        public ConsumerRecord<String, byte[]> await(Predicate<ConsumerRecord<String, byte[]>> matching,
                Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            int checked = 0;
            while (true) {
                for (; checked < seen.size(); checked++) {
                    if (matching.test(seen.get(checked))) {
                        return seen.get(checked);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no matching record within " + timeout + "; saw " + seen.size()
                            + " record(s): " + describe(seen));
                }
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
        }

        /** Waits for the first event of {@code type} that matches, decoded with the event model. */
        public <T extends Event> T awaitEvent(Class<T> type, Predicate<T> matching, Duration timeout) {
            Class<? extends Event> topicType = GitRepoEvent.class.isAssignableFrom(type) ? GitRepoEvent.class
                    : io.gitjob.events.GitJobEvent.class;
            ConsumerRecord<String, byte[]> record = await(r -> {
                Event e = tryDecode(r.value(), topicType);
                return type.isInstance(e) && matching.test(type.cast(e));
            }, timeout);
            return type.cast(EventCodec.decode(record.value(), topicType));
        }

        /** Every record read so far (call after an await). */
        public List<ConsumerRecord<String, byte[]>> seen() {
            return List.copyOf(seen);
        }

        private static Event tryDecode(byte[] value, Class<? extends Event> topicType) {
            try {
                return EventCodec.decode(value, topicType);
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static String describe(List<ConsumerRecord<String, byte[]>> records) {
            StringBuilder b = new StringBuilder();
            for (var r : records.subList(Math.max(0, records.size() - 5), records.size())) {
                b.append("\n  ").append(r.key()).append(" = ")
                        .append(r.value() == null ? "null" : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return b.toString();
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
