package io.gitjob.support;

import java.time.Duration;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.Event;
import io.gitjob.events.EventCodec;
import io.gitjob.events.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

/**
 * The way every consumer takes a record in: decode it with the event model, hand the event to the service's
 * handler, and send what can never be processed (malformed, or a handler failure that is not transient) to the
 * dead letters, so one bad record never stops a consumer and the next record is processed. A transient failure
 * (the API server or the broker away or busy, see {@link Transient}) is never dead-lettered: the handler is
 * called again after a backoff until it works, and so is a dead-letter send the broker does not take. Counts every record on
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

    @ConfigProperty(name = "gitjob.intake.retry.initial-backoff", defaultValue = "1s")
    Duration initialBackoff = Duration.ofSeconds(1);

    @ConfigProperty(name = "gitjob.intake.retry.max-backoff", defaultValue = "1m")
    Duration maxBackoff = Duration.ofMinutes(1);

    private volatile boolean stopping;

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    public <T extends Event> void accept(ConsumerRecord<String, byte[]> record, Class<T> topicType,
            Consumer<? super T> handler) {
        T event;
        try {
            event = decode(record, topicType);
        } catch (MalformedEventException e) {
            LOG.warnf("Malformed record %s-%d@%d (key %s) sent to dead letters: %s", record.topic(),
                    record.partition(), record.offset(), record.key(), e.getMessage());
            deadLetter(record, e);
            count(record.topic(), "malformed", "dead-lettered");
            return;
        }
        T decoded = event;
        for (int attempt = 1;; attempt++) {
            try {
                tracing.inSpan("process " + event.type(), io.opentelemetry.api.trace.SpanKind.CONSUMER,
                        tracing.extract(record.headers()), event, () -> handler.accept(decoded));
                count(record.topic(), event.type(), "processed");
                return;
            } catch (RuntimeException e) {
                if (Transient.is(e) && !stopping) {
                    count(record.topic(), event.type(), "retried");
                    backOff(attempt, "Processing " + event.type() + " of " + event.key(), e);
                    continue;
                }
                LOG.errorf(e, "Processing %s event %s of %s failed; record %s-%d@%d sent to dead letters",
                        event.type(), event.eventId(), event.key(), record.topic(), record.partition(),
                        record.offset());
                deadLetter(record, e);
                count(record.topic(), event.type(), "dead-lettered");
                return;
            }
        }
    }

    /** The dead letter must be written before the offset is committed: a broker away is waited for. */
    private void deadLetter(ConsumerRecord<String, byte[]> record, Throwable error) {
        for (int attempt = 1;; attempt++) {
            try {
                deadLetters.send(record, error);
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    throw e; // not committed: the record is read again after the restart
                }
                backOff(attempt, "Sending record " + record.topic() + "-" + record.partition() + "@" + record.offset()
                        + " to the dead letters", e);
            }
        }
    }

    private void backOff(int attempt, String what, RuntimeException e) {
        Duration delay = WorkQueue.backoff(attempt, initialBackoff, maxBackoff,
                java.util.concurrent.ThreadLocalRandom.current().nextDouble());
        LOG.warnf("%s failed transiently (attempt %d), again in %s: %s", what, attempt, delay, Transient.describe(e));
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
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
