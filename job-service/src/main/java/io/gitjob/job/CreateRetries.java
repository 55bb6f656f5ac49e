package io.gitjob.job;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoKey;

/**
 * Retries a failed Job creation with exponential backoff, off the consumer's thread, so one GitRepo whose
 * Job cannot be created never holds up the others. A newer event of the same GitRepo replaces its pending
 * retry: the newer event is what to act on.
 */
@ApplicationScoped
public class CreateRetries {

    private static final Logger LOG = Logger.getLogger(CreateRetries.class);

    @ConfigProperty(name = "gitjob.job.create-retry.initial-backoff", defaultValue = "1s")
    Duration initialBackoff;

    @ConfigProperty(name = "gitjob.job.create-retry.max-backoff", defaultValue = "5m")
    Duration maxBackoff;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "job-create-retries");
        t.setDaemon(true);
        return t;
    });
    private final Map<GitRepoKey, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(int attempt, ScheduledFuture<?> future) {
    }

    /** Schedules {@code retry} of {@code event} after the backoff of its attempt. */
    public void schedule(GitRepoEvent event, Consumer<GitRepoEvent> retry) {
        pending.compute(event.key(), (key, previous) -> {
            int attempt = previous == null ? 1 : previous.attempt() + 1;
            if (previous != null) {
                previous.future().cancel(false);
            }
            Duration delay = backoff(attempt, initialBackoff, maxBackoff);
            LOG.infof("Retrying Job creation for %s in %s (attempt %d)", key, delay, attempt);
            return new Pending(attempt, scheduler.schedule(() -> retry.accept(event), delay.toMillis(),
                    TimeUnit.MILLISECONDS));
        });
    }

    /** A newer event, or a success, ends the retries of a GitRepo. */
    public void cancel(GitRepoKey key) {
        Pending previous = pending.remove(key);
        if (previous != null) {
            previous.future().cancel(false);
        }
    }

    static Duration backoff(int attempt, Duration initial, Duration max) {
        long millis = initial.toMillis() << Math.min(attempt - 1, 20);
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
