package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/** {@code gitjob.metrics.histograms=false} leaves Fleet's two histograms out and keeps every other series. */
class HistogramsSettingTest {

    private static final GitRepoRef REPO = new GitRepoRef("fleet-local", "knob", "uid-knob");

    @Test
    void withoutHistogramsAGitRepoHas26SeriesFewerAndTheSameCountersAndGauge() {
        List<String> with = samplesAfterEveryEvent(true);
        List<String> without = samplesAfterEveryEvent(false);

        assertEquals(4 + (12 + 3) + 1 + (8 + 3), with.size(), String.join("\n", with));
        assertEquals(with.size() - 26, without.size(), String.join("\n", without));
        // What is left is exactly the lines of the other series, values included (family order is the
        // collector registry's, which differs between two registries).
        assertEquals(new TreeSet<>(with.stream().filter(l -> !l.startsWith(FleetMetrics.JOB_DURATION + "_")
                || l.startsWith(FleetMetrics.JOB_DURATION_GAUGE))
                .filter(l -> !l.startsWith(FleetMetrics.FETCH_DURATION + "_")).toList()), new TreeSet<>(without));
        String text = scrape(false);
        assertTrue(!text.contains("fleet_gitjob_duration_seconds_bucket") && !text.contains("# TYPE "
                + FleetMetrics.FETCH_DURATION + " "), text);
        assertTrue(text.contains("fleet_gitjob_duration_seconds_gauge{"), text);
    }

    private static List<String> samplesAfterEveryEvent(boolean histograms) {
        return MetricsText.samplesOf(scrape(histograms), REPO.namespace(), REPO.name());
    }

    private static String scrape(boolean histograms) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new FleetCollectorRegistry(), io.micrometer.core.instrument.Clock.SYSTEM);
        GitJobMetrics metrics = new GitJobMetrics(registry, Duration.ofSeconds(120), Clock.systemUTC(), 1000,
                Duration.ofDays(7), GitJobMetrics.DEFAULT_RECENT_EVENT_IDS, histograms);
        try {
            Instant t = Instant.now();
            metrics.record(new GitJobEvent.JobCreated("e1", t, REPO, 1, 0, "knob-1", "c0ffee"));
            metrics.record(new GitJobEvent.JobCreationFailed("e2", t, REPO, 1, 0, "knob-2", "c0ffee", "E", "m"));
            metrics.record(new GitJobEvent.JobSucceeded("e3", t, REPO, 1, 0, "knob-1", "c0ffee", 42.5));
            metrics.record(new GitRepoEvent.CommitDetected("e4", t, REPO, 1, 0, "https://git.example/r.git", "main",
                    "c0ffee", null, 0.3, GitRepoEvent.CommitSource.POLL));
            metrics.record(new GitRepoEvent.CommitFetchFailed("e5", t, REPO, 1, 0, "https://git.example/r.git", "E",
                    "m", 1.0));
            return registry.scrape();
        } finally {
            metrics.close();
        }
    }
}
