package io.gitjob.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.gitjob.events.Event;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.support.EventIntake;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Where metrics-service consumes {@code gitrepo-events} and {@code gitjob-events}. */
@ApplicationScoped
public class EventsConsumer {

    private static final Logger LOG = Logger.getLogger(EventsConsumer.class);

    @Inject
    EventIntake intake;

    @Incoming("gitrepo-events")
    @Blocking
    public void consumeGitRepoEvent(ConsumerRecord<String, byte[]> record) {
        intake.accept(record, GitRepoEvent.class, this::handle);
    }

    @Incoming("gitjob-events")
    @Blocking
    public void consumeGitJobEvent(ConsumerRecord<String, byte[]> record) {
        intake.accept(record, GitJobEvent.class, this::handle);
    }

    void handle(Event event) {
        LOG.debugf("%s %s", event.type(), event.key());
    }
}
