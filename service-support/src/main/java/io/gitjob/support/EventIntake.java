package io.gitjob.support;

import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.Event;
import io.gitjob.events.EventCodec;
import io.gitjob.events.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The way every consumer takes a record in: decode it with the event model, hand the event to the service's
 * handler, and send what cannot be decoded or handled to the dead letters, so one bad record never stops a
 * consumer and the next record is processed. Counts every record on
 * {@code gitjob_events_consumed_total{topic,type,outcome}}. The handler runs in a span that continues the
 * trace the record carries.
 */
@ApplicationScoped
public class EventIntake {

    private static final Logger LOG = Logger.getLogger(EventIntake.class);

    @Inject
    DeadLetters deadLetters;

    @Inject
    MeterRegistry registry;

    @Inject
    Tracing tracing;

    public <T extends Event> void accept(ConsumerRecord<String, byte[]> record, Class<T> topicType,
            Consumer<? super T> handler) {
        T event;
        try {
            event = decode(record, topicType);
        } catch (MalformedEventException e) {
            LOG.warnf("Malformed record %s-%d@%d (key %s) sent to dead letters: %s", record.topic(),
                    record.partition(), record.offset(), record.key(), e.getMessage());
            deadLetters.send(record, e);
            count(record.topic(), "malformed", "dead-lettered");
            return;
        }
        try {
            T decoded = event;
            tracing.inSpan("process " + event.type(), io.opentelemetry.api.trace.SpanKind.CONSUMER,
                    tracing.extract(record.headers()), event, () -> handler.accept(decoded));
            count(record.topic(), event.type(), "processed");
        } catch (RuntimeException e) {
            LOG.errorf(e, "Processing %s event %s of %s failed; record %s-%d@%d sent to dead letters",
                    event.type(), event.eventId(), event.key(), record.topic(), record.partition(), record.offset());
            deadLetters.send(record, e);
            count(record.topic(), event.type(), "dead-lettered");
        }
    }

    /** An event is trusted only if its value, its CloudEvents headers and its record key all agree. */
    static <T extends Event> T decode(ConsumerRecord<String, byte[]> record, Class<T> topicType) {
        T event = EventCodec.decode(record.value(), topicType);
        CloudEventHeaders.verify(record.headers(), event);
        if (!event.key().toString().equals(record.key())) {
            throw new MalformedEventException("record key '" + record.key() + "' is not the event's GitRepo '"
                    + event.key() + "': the event may sit on the wrong partition");
        }
        return event;
    }

    private void count(String topic, String type, String outcome) {
        registry.counter("gitjob.events.consumed", "topic", topic, "type", type, "outcome", outcome).increment();
    }
}
