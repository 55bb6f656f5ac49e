package io.gitjob.replay;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import io.gitjob.events.Event;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.MalformedEventException;
import io.gitjob.events.Topics;

/**
 * One GitRepo's events of both topics in a time range, each once, in time order. A topic replayed into itself
 * (or a record published again after a crash, with its event id) holds an event twice: the first copy counts,
 * so no decision or Job is counted twice.
 */
record GitRepoHistory(GitRepoKey key, Instant from, Instant to, List<Event> events, int duplicates, int malformed) {

    static GitRepoHistory read(KafkaAccess kafka, GitRepoKey key, Instant from, Instant to, PrintWriter progress) {
        List<Event> events = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int[] skipped = { 0, 0 };
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.GITREPO_EVENTS, Topics.GITJOB_EVENTS)) {
            partitions.addAll(Keys.partitionOf(key, kafka.partitions(topic)));
        }
        // Both partitions in one read: their fetches go out together.
        RangeReader.read(kafka.consumer(), partitions, from, to, r -> key.toString().equals(r.key()), r -> {
            Class<? extends Event> type = Topics.GITREPO_EVENTS.equals(r.topic()) ? GitRepoEvent.class
                    : GitJobEvent.class;
            try {
                Event event = EventCodec.decode(r.value(), type);
                if (ids.add(event.eventId())) {
                    events.add(event);
                } else {
                    skipped[0]++;
                }
            } catch (MalformedEventException e) {
                skipped[1]++; // timeline shows it; an answer cannot be built on it
            }
        }, progress);
        // Stable: events of one partition keep their order when their times are equal; what the watcher saw
        // comes before what job-service did about it.
        events.sort(Comparator.comparing(Event::time).thenComparingInt(e -> e instanceof GitRepoEvent ? 0 : 1));
        return new GitRepoHistory(key, from, to, List.copyOf(events), skipped[0], skipped[1]);
    }
}
