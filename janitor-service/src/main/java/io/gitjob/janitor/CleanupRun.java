package io.gitjob.janitor;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitJobEvent;
import io.gitjob.gitrepo.Shard;
import io.gitjob.support.KafkaMessages;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * The janitor's cleanup run as the service runs it: on the cron schedule {@code gitjob.janitor.schedule}, or
 * once from {@link JanitorMain} ({@code --once}). Never two runs at once in one process: a trigger while a run
 * is going is skipped, logged and counted ({@code gitjob_janitor_runs_total{result="skipped"}}).
 */
@ApplicationScoped
public class CleanupRun {

    /** This installation's shard (docs/operations.md, migration): its janitor cleans only that shard's Jobs. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = Shard.CONFIG_KEY)
    Optional<String> shardId;


    private static final Logger LOG = Logger.getLogger(CleanupRun.class);

    @Inject
    KubernetesClient client;

    @Inject
    @Channel("gitjob-events-out")
    MutinyEmitter<GitJobEvent> emitter;

    @Inject
    JanitorConfig config;

    @Inject
    JanitorMetrics metrics;

    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopping;

    /** Bad settings stop the service at start, not at the first run a day later. */
    void checkSettings(@Observes StartupEvent started) {
        JanitorSettings settings = config.settings();
        LOG.infof("Janitor settings: schedule '%s', batch size %d, include Fleet Jobs %s, succeeded grace %s, "
                + "failed retention %s, max %s deletes/s, dry run %s", config.schedule(), settings.batchSize(),
                settings.includeFleetJobs(), settings.succeededGrace(),
                settings.failedRetention().map(Object::toString).orElse("none (keep failed Jobs)"),
                settings.maxDeletesPerSecond() == 0 ? "unlimited" : settings.maxDeletesPerSecond(),
                settings.dryRun());
    }

    void stopping(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    @Scheduled(identity = "janitor-cleanup", cron = "${gitjob.janitor.schedule}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        runConfigured();
    }

    /** One run with the configured settings; empty when skipped because another run is going. */
    public Optional<RunSummary> runConfigured() {
        return run(config.settings());
    }

    /** One run with these settings; empty when skipped because another run is going. */
    public Optional<RunSummary> run(JanitorSettings settings) {
        if (!running.compareAndSet(false, true)) {
            LOG.warn("Janitor run skipped: the previous run is still going");
            metrics.skipped();
            return Optional.empty();
        }
        try {
            RunSummary summary = new Cleanup(client, this::publish)
                    .inShard(new Shard(shardId.orElse("")))
                    .stopWhen(() -> stopping)
                    .onDeleted(reason -> metrics.deleted(reason, 1))
                    .run(settings);
            metrics.finished(summary, System.currentTimeMillis());
            switch (summary.result()) {
                case SUCCESS -> LOG.info(summary.line());
                case FAILED -> LOG.error(summary.line());
                default -> LOG.warn(summary.line());
            }
            return Optional.of(summary);
        } finally {
            running.set(false);
        }
    }

    public boolean isRunning() {
        return running.get();
    }

    private static final java.time.Duration PUBLISH_TIMEOUT = java.time.Duration.ofSeconds(10);

    private void publish(GitJobEvent.JobDeleted event) {
        // Bounded: with the broker away, a run must fail soon rather than wait out the producer's timeouts.
        emitter.sendMessage(KafkaMessages.keyed(event)).await().atMost(PUBLISH_TIMEOUT);
    }
}
