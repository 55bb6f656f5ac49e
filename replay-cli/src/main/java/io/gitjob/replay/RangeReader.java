package io.gitjob.replay;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a time range of some partitions: seeks to {@code from} with {@code offsetsForTimes} (so a topic of
 * millions of records is not read from the start), reads up to the end each partition had when the read
 * began, and keeps records whose timestamp is in {@code [from, to)}.
 */
final class RangeReader {

    private static final int PROGRESS_EVERY = 10_000;

    private RangeReader() {
    }

    static void read(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, Instant from,
            Instant to, Predicate<ConsumerRecord<String, byte[]>> keep, Consumer<ConsumerRecord<String, byte[]>> sink,
            PrintWriter progress) {
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(partitions));
        if (from != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, from.toEpochMilli()));
            for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query).entrySet()) {
                // No record at or after 'from': start at the end, nothing to read there.
                start.put(e.getKey(), e.getValue() == null ? end.get(e.getKey()) : e.getValue().offset());
            }
        }
        List<TopicPartition> pending = new ArrayList<>();
        for (TopicPartition p : partitions) {
            consumer.seek(p, start.get(p));
            if (start.get(p) < end.get(p)) {
                pending.add(p);
            }
        }
        long read = 0;
        while (!pending.isEmpty()) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition p = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= end.get(p)) {
                    continue; // written after the read began
                }
                if (++read % PROGRESS_EVERY == 0) {
                    progress.printf("read %,d records...%n", read);
                    progress.flush();
                }
                // Timestamps need not grow with offsets (a republish, a producer's own clock): the seek only
                // skips what is surely too old, the bounds are checked on every record.
                if ((from == null || r.timestamp() >= from.toEpochMilli())
                        && (to == null || r.timestamp() < to.toEpochMilli()) && keep.test(r)) {
                    sink.accept(r);
                }
            }
            pending.removeIf(p -> consumer.position(p) >= end.get(p));
        }
    }
}
