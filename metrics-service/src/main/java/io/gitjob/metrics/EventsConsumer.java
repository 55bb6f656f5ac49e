package io.gitjob.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.Topics;
import io.gitjob.support.EventIntake;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Where metrics-service consumes {@code gitrepo-events} and {@code gitjob-events}: one consumer subscribed to
 * both topics, so the range assignor gives a replica the same partitions of each, and with them every event
 * of its GitRepos (a GitRepo's deletion comes on one topic, its Jobs' events on the other). Each event goes
 * to the recorder, {@link GitJobMetrics}.
 */
@ApplicationScoped
public class EventsConsumer {

    @Inject
    EventIntake intake;

    @Inject
    GitJobMetrics metrics;

    @Incoming("events")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        TopicPartition from = new TopicPartition(record.topic(), record.partition());
        if (Topics.GITREPO_EVENTS.equals(record.topic())) {
            intake.accept(record, GitRepoEvent.class, event -> metrics.record(event, from, record.offset()));
        } else {
            intake.accept(record, GitJobEvent.class, event -> {
                // job-service's record of a decision (replay-cli explain's), not a step in a Job's life: no
                // series counts it, and it must not take a place among a GitRepo's recent event ids.
                if (!(event instanceof GitJobEvent.JobDecided)) {
                    metrics.record(event, from, record.offset());
                }
            });
        }
        // Also for a record the intake dead-lettered: read here, so not a gap at the next assignment.
        metrics.read(from, record.offset());
    }
}
