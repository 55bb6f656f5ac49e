package io.gitjob.bench.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.gitjob.events.EventSerializer;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.testing.KafkaBroker;

/**
 * The limit a gitjob pipeline runs against on this machine: raw Kafka producer to consumer, records the size of
 * a commit-detected event (value and CloudEvents headers), keyed by GitRepo, on the same single-node KRaft
 * broker the tests and the sandbox use. Prints events per second and end-to-end latency (send to receive,
 * one JVM, so the clocks agree) at two sizes.
 *
 * <p>Run: {@code ./mvnw -q -pl bench -am install -DskipTests} then
 * {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=io.gitjob.bench.kafka.KafkaBaselineBench}.
 */
public final class KafkaBaselineBench {

    private KafkaBaselineBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = KafkaBroker.bootstrapServers();
        System.out.printf("%-10s %12s %12s %12s %12s%n", "records", "events/s", "p50 ms", "p99 ms", "bytes/rec");
        for (int count : new int[] { 10_000, 100_000 }) {
            run(bootstrap, count);
        }
        System.exit(0);
    }

    private static void run(String bootstrap, int count) throws Exception {
        String topic = Topics.GITREPO_EVENTS;
        long[] latencies = new long[count];
        AtomicInteger received = new AtomicInteger();
        String runId = UUID.randomUUID().toString();
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);

        Thread consumerThread = new Thread(() -> {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
                var partitions = consumer.partitionsFor(topic).stream()
                        .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                ready.countDown();
                while (received.get() < count) {
                    for (var r : consumer.poll(Duration.ofMillis(100))) {
                        var run = r.headers().lastHeader("bench-run");
                        if (run == null || !runId.equals(new String(run.value()))) {
                            continue;
                        }
                        long sent = ByteBuffer.wrap(r.headers().lastHeader("bench-sent").value()).getLong();
                        latencies[received.getAndIncrement()] = System.nanoTime() - sent;
                    }
                }
            }
            done.countDown();
        });
        consumerThread.start();
        ready.await();

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
                headers.add("bench-run", runId.getBytes());
                headers.add("bench-sent", ByteBuffer.allocate(8).putLong(System.nanoTime()).array());
                producer.send(new ProducerRecord<>(topic, null, ref.key().toString(), value, headers));
            }
            producer.flush();
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("received only " + received.get() + " of " + count);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        System.out.printf("%-10d %12.0f %12.1f %12.1f %12d%n", count, count / seconds, sorted[count / 2] / 1e6,
                sorted[(int) (count * 0.99)] / 1e6, bytes / count);
    }
}
