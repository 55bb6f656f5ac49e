package io.gitjob.support;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.gitjob.events.Event;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Outgoing messages of gitjob events: keyed by GitRepo so each GitRepo's events stay on one partition, and
 * carrying the current trace context ({@code traceparent}) so the consumer's work joins the same trace.
 */
public final class KafkaMessages {
    private KafkaMessages() {
    }

    public static <T extends Event> Message<T> keyed(T event) {
        RecordHeaders headers = new RecordHeaders();
        Tracing.injectCurrent(headers);
        return Message.of(event).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key().toString()).withHeaders(headers).build());
    }
}
