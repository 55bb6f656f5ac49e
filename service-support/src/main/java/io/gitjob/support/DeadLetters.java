package io.gitjob.support;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.gitjob.events.DeadLetterHeaders;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes a record a service could not process to {@code gitjob-dead-letters}: same key, same bytes, same
 * headers, plus headers saying where it came from and why it failed. The send is awaited, so the record's
 * offset is committed only once its dead letter is safe: nothing is lost.
 */
@ApplicationScoped
public class DeadLetters {

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<byte[]> emitter;

    @ConfigProperty(name = "quarkus.application.name")
    String consumer;

    public void send(ConsumerRecord<String, byte[]> record, Throwable error) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        put(headers, DeadLetterHeaders.REASON, error.getMessage() == null ? error.toString() : error.getMessage());
        put(headers, DeadLetterHeaders.EXCEPTION_CLASS, error.getClass().getName());
        if (error.getCause() != null) {
            put(headers, DeadLetterHeaders.CAUSE, String.valueOf(error.getCause().getMessage()));
        }
        put(headers, DeadLetterHeaders.TOPIC, record.topic());
        put(headers, DeadLetterHeaders.PARTITION, Integer.toString(record.partition()));
        put(headers, DeadLetterHeaders.OFFSET, Long.toString(record.offset()));
        put(headers, DeadLetterHeaders.CONSUMER, consumer);
        // A tombstone has no bytes to keep; the reason header says it was one.
        byte[] value = record.value() == null ? new byte[0] : record.value();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        emitter.sendMessageAndAwait(Message.of(value).addMetadata(metadata));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
