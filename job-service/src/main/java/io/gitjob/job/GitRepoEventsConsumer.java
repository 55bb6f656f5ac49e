package io.gitjob.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.support.EventIntake;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Where job-service consumes {@code gitrepo-events}. An event is a trigger: it queues its GitRepo for the
 * reconciler, which decides from the GitRepo as it is now, never from the event, so a replay, a duplicate or an
 * event that lags behind changes nothing. No API call or send happens here: the consumer never waits on the
 * API server, and only a record that cannot be decoded goes to the dead letters.
 */
@ApplicationScoped
public class GitRepoEventsConsumer {

    private static final Logger LOG = Logger.getLogger(GitRepoEventsConsumer.class);

    @Inject
    EventIntake intake;

    @Inject
    JobReconciler reconciler;

    @Incoming("gitrepo-events")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        intake.accept(record, GitRepoEvent.class, this::handle);
    }

    void handle(GitRepoEvent event) {
        if (event instanceof GitRepoEvent.HeadUnchanged) {
            return; // a tally of fetches for metrics-service: nothing changed that a decision reads
        }
        LOG.debugf("%s %s (generation %d, forceSyncGeneration %d)", event.type(), event.key(), event.generation(),
                event.forceSyncGeneration());
        reconciler.trigger(event.key(), event.type(), Context.current());
    }
}
