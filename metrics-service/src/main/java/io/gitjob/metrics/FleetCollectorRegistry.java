package io.gitjob.metrics;

import java.util.Enumeration;
import java.util.Set;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;

/**
 * The Prometheus collector registry behind {@code /q/metrics}, which leaves out the samples named in
 * {@link FleetMetrics#HIDDEN_SAMPLES}: the {@code _max} gauge Micrometer's Prometheus registry writes next to
 * every histogram, which Fleet's histograms never had. Everything else is served as Micrometer writes it.
 */
public class FleetCollectorRegistry extends CollectorRegistry {

    private final Set<String> hidden;

    public FleetCollectorRegistry() {
        this(FleetMetrics.HIDDEN_SAMPLES);
    }

    public FleetCollectorRegistry(Set<String> hiddenSamples) {
        super(true); // as Quarkus' own: collectors describe themselves when registered
        this.hidden = Set.copyOf(hiddenSamples);
    }

    @Override
    public Enumeration<MetricFamilySamples> metricFamilySamples() {
        // A family all of whose samples are left out is left out with its HELP and TYPE lines.
        return filteredMetricFamilySamples(sampleName -> !hidden.contains(sampleName));
    }

    @Override
    public Enumeration<MetricFamilySamples> filteredMetricFamilySamples(Set<String> includedNames) {
        return filteredMetricFamilySamples(sampleName -> includedNames.contains(sampleName)
                && !hidden.contains(sampleName));
    }
}
