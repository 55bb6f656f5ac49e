package io.gitjob.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.support.EventIntake;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Where job-service consumes {@code gitrepo-events}. */
@ApplicationScoped
public class GitRepoEventsConsumer {

    private static final Logger LOG = Logger.getLogger(GitRepoEventsConsumer.class);

    @Inject
    EventIntake intake;

    @Inject
    JobReconciler reconciler;

    // Different GitRepos at once, each GitRepo's events one after another in order (throttled.ordered=key in
    // application.properties): a flood of commits no longer waits on one API call at a time. JobReconciler
    // serialises the work of one GitRepo anyway, as Job completions arrive from the Job watch meanwhile.
    @Incoming("gitrepo-events")
    @Blocking(value = "gitrepo-events-workers", ordered = false)
    public void consume(ConsumerRecord<String, byte[]> record) {
        intake.accept(record, GitRepoEvent.class, this::handle);
    }

    void handle(GitRepoEvent event) {
        LOG.debugf("%s %s (generation %d, forceSyncGeneration %d)", event.type(), event.key(), event.generation(),
                event.forceSyncGeneration());
        reconciler.onGitRepoEvent(event);
    }
}
