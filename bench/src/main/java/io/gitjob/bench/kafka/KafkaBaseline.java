package io.gitjob.bench.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.gitjob.bench.Latencies;
import io.gitjob.events.EventSerializer;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;

/**
 * Raw Kafka on a given broker: a producer sends {@code count} records the size of a commit-detected event
 * (its JSON value and CloudEvents headers, keyed by GitRepo, {@code acks=all}) as fast as it can; a consumer in
 * the same JVM reads them. Latency is send to receive (one JVM, one clock). The ceiling any gitjob pipeline
 * stage can reach on that broker, so the pipeline benchmark runs it on the sandbox's broker in the same run.
 */
public final class KafkaBaseline {

    /** What one run measured. */
    public record Result(int records, long bytesPerRecord, Latencies latencies) {
    }

    private KafkaBaseline() {
    }

    /** Creates {@code topic} with {@code partitions} partitions if it is not there (not one of gitjob's topics). */
    public static void ensureTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    public static Result run(String bootstrap, String topic, int count) throws Exception {
        long[] latencies = new long[count];
        AtomicInteger received = new AtomicInteger();
        byte[] runId = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);

        Thread consumerThread = new Thread(() -> {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
                var partitions = consumer.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                ready.countDown();
                while (received.get() < count) {
                    for (var r : consumer.poll(Duration.ofMillis(100))) {
                        var run = r.headers().lastHeader("bench-run");
                        if (run == null || !java.util.Arrays.equals(runId, run.value())) {
                            continue;
                        }
                        long sent = ByteBuffer.wrap(r.headers().lastHeader("bench-sent").value()).getLong();
                        latencies[received.getAndIncrement()] = System.nanoTime() - sent;
                    }
                }
            }
            done.countDown();
        }, "kafka-baseline-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        if (!ready.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the baseline's consumer did not start within 60 s (see its stack trace)");
        }

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        EventSerializer serializer = new EventSerializer();
        long bytes = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < count; i++) {
                GitRepoRef ref = new GitRepoRef("ns-" + (i % 10), "repo-" + (i % 1000), "uid-" + (i % 1000));
                var event = new GitRepoEvent.CommitDetected(UUID.randomUUID().toString(), Instant.now(), ref, 1, 0,
                        "https://git.example/repo-" + (i % 1000) + ".git", "main",
                        "0123456789abcdef0123456789abcdef01234567", "fedcba9876543210fedcba9876543210fedcba98",
                        0.2, GitRepoEvent.CommitSource.POLL);
                RecordHeaders headers = new RecordHeaders();
                byte[] value = serializer.serialize(topic, headers, event);
                bytes += value.length;
                headers.add("bench-run", runId);
                headers.add("bench-sent", ByteBuffer.allocate(8).putLong(System.nanoTime()).array());
                producer.send(new ProducerRecord<>(topic, null, ref.key().toString(), value, headers));
            }
            producer.flush();
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("received only " + received.get() + " of " + count);
        }
        long span = System.nanoTime() - start;
        return new Result(count, bytes / count, Latencies.of(latencies, span));
    }
}
