package io.gitjob.watcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.support.KafkaMessages;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where the watcher produces {@code gitrepo-events}: keyed by GitRepo, each send waiting for the broker's
 * acknowledgement. Callers never hold the tracker's lock while sending, so a broker that is away holds up the
 * sending thread only, never the informer, the pollers or the webhook of other GitRepos.
 */
@ApplicationScoped
public class GitRepoEventPublisher {

    /** Events of a rebuild are sent in batches: the emitter's buffer is finite, waiting for each is slow. */
    static final int BATCH = 128;

    @Inject
    @Channel("gitrepo-events-out")
    MutinyEmitter<GitRepoEvent> emitter;

    /** @throws PublishFailedException when the broker did not take it */
    public void send(GitRepoEvent event) {
        try {
            emitter.sendMessageAndAwait(KafkaMessages.keyed(event));
        } catch (RuntimeException e) {
            throw new PublishFailedException(event, e);
        }
    }

    /**
     * Sends the events in order, {@link #BATCH} at a time without waiting for each; {@code acknowledged} hears of
     * each event the broker took, in order, until the first that failed, which is thrown.
     */
    public void sendAll(List<GitRepoEvent> events, java.util.function.Consumer<GitRepoEvent> acknowledged) {
        for (int from = 0; from < events.size(); from += BATCH) {
            List<GitRepoEvent> batch = events.subList(from, Math.min(events.size(), from + BATCH));
            List<CompletableFuture<Void>> sent = new ArrayList<>(batch.size());
            batch.forEach(e -> sent.add(emitter.sendMessage(KafkaMessages.keyed(e)).subscribeAsCompletionStage()));
            for (int i = 0; i < batch.size(); i++) {
                try {
                    sent.get(i).join();
                } catch (RuntimeException e) {
                    throw new PublishFailedException(batch.get(i), e.getCause() == null ? e : e.getCause());
                }
                acknowledged.accept(batch.get(i));
            }
        }
    }
}
