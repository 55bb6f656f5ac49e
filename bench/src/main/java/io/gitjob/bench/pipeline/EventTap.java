package io.gitjob.bench.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.gitjob.events.EventCodec;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.Topics;

/**
 * Reads gitjob's two event topics from the start, outside any consumer group (it takes nothing from the
 * services), and keeps the record timestamp of the events the pipeline figures are made of, per GitRepo and
 * commit. Record timestamps are the producing service's send time; every process is on this machine, so the
 * clocks agree (to the millisecond, the timestamp's resolution).
 */
final class EventTap implements AutoCloseable {

    /** Epoch milliseconds of each event, keyed {@code name@commit}. */
    final Map<String, Long> commitDetected = new ConcurrentHashMap<>();
    final Map<String, Long> jobCreated = new ConcurrentHashMap<>();
    final Map<String, Long> jobDeleted = new ConcurrentHashMap<>();

    private final Thread thread;
    private volatile boolean running = true;

    EventTap(String bootstrap) {
        thread = new Thread(() -> read(bootstrap), "event-tap");
        thread.setDaemon(true);
        thread.start();
    }

    static String key(String gitRepo, String commit) {
        return gitRepo + "@" + commit;
    }

    private void read(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.GITREPO_EVENTS, Topics.GITJOB_EVENTS)) {
                consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    record(r);
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // closing
        }
    }

    private void record(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(Topics.GITREPO_EVENTS)) {
                GitRepoEvent e = EventCodec.decode(r.value(), GitRepoEvent.class);
                if (e instanceof GitRepoEvent.CommitDetected c) {
                    commitDetected.putIfAbsent(key(c.gitRepo().name(), c.commit()), r.timestamp());
                }
            } else {
                GitJobEvent e = EventCodec.decode(r.value(), GitJobEvent.class);
                if (e instanceof GitJobEvent.JobCreated c) {
                    jobCreated.putIfAbsent(key(c.gitRepo().name(), c.commit()), r.timestamp());
                } else if (e instanceof GitJobEvent.JobDeleted d && d.commit() != null) {
                    jobDeleted.putIfAbsent(key(d.gitRepo().name(), d.commit()), r.timestamp());
                }
            }
        } catch (RuntimeException e) {
            // Not an event of ours to time (a malformed record would be the services' dead letter, not ours).
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
