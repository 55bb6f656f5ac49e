package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;

/** The presized scrape writes exactly what Micrometer's own scrape writes, however much the text grows. */
class PresizedScrapeRegistryTest {

    @Test
    void scrapeTextIsMicrometersByteForByteInBothFormatsAsTheRegistryGrows() {
        PrometheusMeterRegistry micrometers = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new FleetCollectorRegistry(), io.micrometer.core.instrument.Clock.SYSTEM);
        // The same series behind both: the presized registry scrapes Micrometer's collector registry.
        PrometheusMeterRegistry presized = new PresizedScrapeRegistry(PrometheusConfig.DEFAULT,
                micrometers.getPrometheusRegistry(), io.micrometer.core.instrument.Clock.SYSTEM, null);
        GitJobMetrics metrics = new GitJobMetrics(micrometers, Duration.ofSeconds(120), Clock.systemUTC(), 1000,
                Duration.ofDays(7));
        try {
            int gitRepos = 0;
            // 1, then 300 GitRepos: the second text is far longer than the buffer the first one sized.
            for (int target : new int[] { 1, 300 }) {
                for (; gitRepos < target; gitRepos++) {
                    record(metrics, gitRepos);
                }
                for (String format : new String[] { TextFormat.CONTENT_TYPE_004, TextFormat.CONTENT_TYPE_OPENMETRICS_100 }) {
                    String expected = micrometers.scrape(format);
                    assertEquals(expected, presized.scrape(format), format + " at " + target + " GitRepos");
                }
                assertEquals(micrometers.scrape(), presized.scrape());
            }
            assertTrue(presized.scrape().length() > PresizedScrapeRegistry.INITIAL_CAPACITY,
                    "the text outgrew the first buffer, so growth was exercised");
        } finally {
            metrics.close();
        }
    }

    @Test
    void theBufferStartsAnEighthAboveTheLastTextAndNeverBelowTheInitialSize() {
        assertEquals(PresizedScrapeRegistry.INITIAL_CAPACITY, PresizedScrapeRegistry.capacityAfter(0));
        assertEquals(9_000_000, PresizedScrapeRegistry.capacityAfter(8_000_000));
        assertEquals(Integer.MAX_VALUE - 16, PresizedScrapeRegistry.capacityAfter(Integer.MAX_VALUE - 1));
    }

    private static void record(GitJobMetrics metrics, int i) {
        GitRepoRef r = new GitRepoRef("ns-" + (i % 3), "repo-" + i, "uid-" + i);
        Instant t = Instant.now();
        String job = r.name() + "-1a2b3";
        // Distinct ids: an id seen again for a GitRepo is a republished event and is not counted.
        metrics.record(new GitJobEvent.JobCreated("e1", t, r, 1, 0, job, "c0ffee"));
        metrics.record(new GitJobEvent.JobSucceeded("e2", t, r, 1, 0, job, "c0ffee", 12.5 + i % 100));
        metrics.failedJobsRetained(r, 1);
        metrics.record(new GitRepoEvent.CommitDetected("e3", t, r, 1, 0, "https://git.example/r.git", "main",
                "c0ffee", null, 0.05 * (i % 40), GitRepoEvent.CommitSource.POLL));
        metrics.record(new GitRepoEvent.CommitFetchFailed("e4", t, r, 1, 0, "https://git.example/r.git", "E", "m", 1.0));
    }
}
