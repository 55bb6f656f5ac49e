package io.gitjob.metrics;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    @Produces
    @Singleton
    GitJobMetrics gitJobMetrics(PrometheusMeterRegistry registry,
            @ConfigProperty(name = "gitjob.metrics.short-lived-ttl") Duration shortLivedTtl,
            @ConfigProperty(name = "gitjob.metrics.deleted-gitrepos.max-entries") int deletedMaxEntries,
            @ConfigProperty(name = "gitjob.metrics.deleted-gitrepos.max-age") Duration deletedMaxAge) {
        return new GitJobMetrics(registry, shortLivedTtl, Clock.systemUTC(), deletedMaxEntries, deletedMaxAge)
                .start();
    }

    void close(@Disposes GitJobMetrics metrics) {
        metrics.close();
    }
}
