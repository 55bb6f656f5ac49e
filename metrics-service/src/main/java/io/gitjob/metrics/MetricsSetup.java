package io.gitjob.metrics;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.gitjob.events.Topics;
import io.gitjob.support.PartitionOwnership;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;

/** Wires the recorder and the registry it writes to; settings in application.properties. */
@ApplicationScoped
public class MetricsSetup {

    /** Replaces Quarkus' default collector registry (a {@code @DefaultBean}) under the Prometheus registry. */
    @Produces
    @Singleton
    CollectorRegistry collectorRegistry() {
        return new FleetCollectorRegistry();
    }

    /**
     * The Prometheus registry behind {@code /q/metrics}, in place of Quarkus' own (whose producer
     * application.properties leaves out): one whose scrape allocates less at 10,000 GitRepos (see
     * {@link PresizedScrapeRegistry}); built as Quarkus builds its own, but without an exemplar sampler:
     * {@code /q/metrics} is written from the meters ({@code MeterExposition}) with no exemplars, as Fleet's have
     * none, so the exemplar each counter and each histogram bucket would keep (the trace of the event that last
     * counted) was memory for nothing, about 200 bytes per GitRepo.
     */
    @Produces
    @Singleton
    PrometheusMeterRegistry prometheusMeterRegistry(PrometheusConfig config, CollectorRegistry collectorRegistry,
            io.micrometer.core.instrument.Clock clock) {
        return new PresizedScrapeRegistry(config, collectorRegistry, clock, null)
                .throwExceptionOnRegistrationFailure();
    }

    @Produces
    @Singleton
    GitJobMetrics gitJobMetrics(PrometheusMeterRegistry registry,
            @ConfigProperty(name = "gitjob.metrics.short-lived-ttl") Duration shortLivedTtl,
            @ConfigProperty(name = "gitjob.metrics.deleted-gitrepos.max-entries") int deletedMaxEntries,
            @ConfigProperty(name = "gitjob.metrics.deleted-gitrepos.max-age") Duration deletedMaxAge,
            @ConfigProperty(name = "gitjob.metrics.recent-event-ids") int recentEventIds,
            @ConfigProperty(name = "gitjob.metrics.histograms") boolean histograms) {
        return new GitJobMetrics(registry, shortLivedTtl, Clock.systemUTC(), deletedMaxEntries, deletedMaxAge,
                recentEventIds, histograms).start();
    }

    /**
     * Which GitRepos' failed Jobs this replica counts: those whose {@code gitjob-events} partition it consumes
     * (both topics are co-partitioned, so also those whose events it reads). Fed by
     * {@link EventsRebalanceListener}.
     */
    @Produces
    @Singleton
    PartitionOwnership partitionOwnership() {
        return new PartitionOwnership(Topics.GITJOB_EVENTS);
    }

    void close(@Disposes GitJobMetrics metrics) {
        metrics.close();
    }
}
