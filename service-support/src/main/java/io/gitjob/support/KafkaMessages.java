package io.gitjob.support;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.gitjob.events.Event;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Outgoing messages of gitjob events, keyed by GitRepo so each GitRepo's events stay on one partition. */
public final class KafkaMessages {
    private KafkaMessages() {
    }

    public static <T extends Event> Message<T> keyed(T event) {
        return Message.of(event).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key().toString()).build());
    }
}
