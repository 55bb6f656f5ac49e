package io.gitjob.metrics;

import static io.gitjob.metrics.MetricsText.anyLineOf;
import static io.gitjob.metrics.MetricsText.histogram;
import static io.gitjob.metrics.MetricsText.labels;
import static io.gitjob.metrics.MetricsText.lines;
import static io.gitjob.metrics.MetricsText.samplesOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.Scrape;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Fleet's gitjob metrics on {@code /q/metrics} from events sent to a real broker; the scrape is compared line
 * by line.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class FleetMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "fleet-local";

    @Test
    void eventsOfAHealthyGitRepoGiveOneSeriesPerMetricWithFleetsNamesLabelsAndBuckets() {
        GitRepoRef gitRepo = new GitRepoRef(NS, "healthy", "uid-healthy");
        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.created(gitRepo, "healthy-1a2b3"));
            kafka.send(Events.succeeded(gitRepo, "healthy-1a2b3", 42.5));
            kafka.send(Events.commit(gitRepo, 0.3));
        }
        await().atMost(WAIT).until(() -> samplesOf(ScrapeText.text(), NS, "healthy").size() == 1 + 15 + 1 + 1 + 11);
        String text = ScrapeText.text();
        String l = labels(NS, "healthy");

        List<String> expected = new ArrayList<>();
        expected.add("fleet_gitjobs_created_success_total{" + l + "} 1.0");
        expected.addAll(histogram("fleet_gitjob_duration_seconds", NS, "healthy",
                new double[] { 1, 2, 5, 10, 30, 60, 180, 300, 600, 1200, 1800, 3600 },
                new double[] { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 }, 1, 42.5));
        expected.add("fleet_gitjob_duration_seconds_gauge{" + l + "} 42.5");
        expected.add("fleet_gitrepo_fetch_latest_commit_success_total{" + l + "} 1.0");
        expected.addAll(histogram("fleet_gitrepo_fetch_latest_commit_duration_seconds", NS, "healthy",
                new double[] { .1, .2, .5, 1, 2, 5, 10, 30 },
                new double[] { 0, 0, 1, 1, 1, 1, 1, 1, 1 }, 1, 0.3));
        assertEquals(new TreeSet<>(expected), new TreeSet<>(samplesOf(text, NS, "healthy")));
        // Two lines written out in full, so the expected lines above cannot share a mistake with the helper.
        assertTrue(lines(text).contains(
                "fleet_gitjob_duration_seconds_bucket{name=\"healthy\",namespace=\"fleet-local\",le=\"60.0\",} 1.0"));
        assertTrue(lines(text).contains("fleet_gitrepo_fetch_latest_commit_duration_seconds_bucket"
                + "{name=\"healthy\",namespace=\"fleet-local\",le=\"+Inf\",} 1.0"));

        assertTrue(lines(text).containsAll(List.of(
                "# HELP fleet_gitjobs_created_success_total Total number of successfully created git jobs",
                "# TYPE fleet_gitjobs_created_success_total counter",
                "# HELP fleet_gitjob_duration_seconds Duration to complete a Git job in seconds. Includes the time"
                        + " to fetch the git repo and to create the bundle.",
                "# TYPE fleet_gitjob_duration_seconds histogram",
                "# HELP fleet_gitjob_duration_seconds_gauge Duration to complete a Git job in seconds. Includes the"
                        + " time to fetch the git repo and to create the bundle.",
                "# TYPE fleet_gitjob_duration_seconds_gauge gauge",
                "# HELP fleet_gitrepo_fetch_latest_commit_success_total Total number of successful fetches of"
                        + " latest commit",
                "# TYPE fleet_gitrepo_fetch_latest_commit_success_total counter",
                "# HELP fleet_gitrepo_fetch_latest_commit_duration_seconds Duration in seconds to fetch the latest"
                        + " commit",
                "# TYPE fleet_gitrepo_fetch_latest_commit_duration_seconds histogram")), text);
        assertEquals(List.of(), maxLines(text), "no series Fleet does not have");
        assertTrue(samplesOf(text, "fleet_gitjobs_created_failure_total", NS, "healthy").isEmpty());

        // A Prometheus server's default Accept header gets format 0.0.4 too, as from Fleet.
        assertEquals(samplesOf(text, NS, "healthy"), samplesOf(ScrapeText.asPrometheusAsks(), NS, "healthy"));
        // OpenMetrics, for those who ask for it alone: the same series.
        String open = ScrapeText.openMetrics();
        assertTrue(lines(open).contains(
                "fleet_gitjobs_created_success_total{name=\"healthy\",namespace=\"fleet-local\"} 1.0"), open);
        assertTrue(lines(open).contains("# TYPE fleet_gitjob_duration_seconds histogram"));
        assertTrue(lines(open).contains("fleet_gitjob_duration_seconds_bucket"
                + "{name=\"healthy\",namespace=\"fleet-local\",le=\"3600.0\"} 1.0"));
        assertEquals(List.of(), maxLines(open));
    }

    @Test
    void failuresGiveTheFailureCounters() {
        GitRepoRef gitRepo = new GitRepoRef(NS, "failing", "uid-failing");
        try (var kafka = new KafkaTestClient()) {
            // Two creation attempts that failed: two events with their own ids.
            kafka.send(Events.creationFailed(gitRepo, "failing-1a2b3"));
            kafka.send(Events.creationFailed(gitRepo, "failing-1a2b3"));
            var fetchFailed = Events.fetchFailed(gitRepo);
            kafka.send(fetchFailed);
            kafka.send(fetchFailed); // published again under its id: counted once
            // A failed Job is counted from the cluster (FailedJobsRetainedTest), not from its event.
            kafka.send(Events.failed(gitRepo, "failing-4c5d6"));
        }
        String l = labels(NS, "failing");
        List<String> expected = List.of(
                "fleet_gitjobs_created_failure_total{" + l + "} 2.0",
                "fleet_gitrepo_fetch_latest_commit_failure_total{" + l + "} 1.0");
        await().atMost(WAIT).untilAsserted(() -> assertEquals(new TreeSet<>(expected),
                new TreeSet<>(samplesOf(ScrapeText.text(), NS, "failing"))));
        String text = ScrapeText.text();
        assertTrue(lines(text).containsAll(List.of(
                "# HELP fleet_gitjobs_created_failure_total Total number of failed git job creations",
                "# TYPE fleet_gitjobs_created_failure_total counter",
                "# HELP fleet_gitrepo_fetch_latest_commit_failure_total Total number of failed attempts to retrieve"
                        + " the latest commit, for any reason",
                "# TYPE fleet_gitrepo_fetch_latest_commit_failure_total counter")), text);
    }

    @Test
    void everyLsRemoteCountsAsAFetchAsInFleetAndAWebhookAddsNone() {
        GitRepoRef gitRepo = new GitRepoRef(NS, "tallied", "uid-tallied");
        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.commit(gitRepo, 0.3));
            // Four polls that found the same head, published as one tally; sent twice under its id: counted once.
            var tally = Events.headUnchanged(gitRepo, 0.05, 0.15, 0.15, 3.0);
            kafka.send(tally);
            kafka.send(tally);
            // A commit an older watcher published straight from a webhook: no ls-remote behind it.
            kafka.send(new io.gitjob.events.GitRepoEvent.CommitDetected(io.gitjob.testing.TestEvents.id(), java.time.Instant.now(),
                    gitRepo, 1, 0, "https://git.example/repo.git", "main", "beef", "c0ffee", 0,
                    io.gitjob.events.GitRepoEvent.CommitSource.WEBHOOK));
            kafka.send(Events.fetchFailed(gitRepo));
        }
        String l = labels(NS, "tallied");
        List<String> expected = new ArrayList<>();
        expected.add("fleet_gitrepo_fetch_latest_commit_success_total{" + l + "} 5.0");
        expected.add("fleet_gitrepo_fetch_latest_commit_failure_total{" + l + "} 1.0");
        expected.addAll(histogram("fleet_gitrepo_fetch_latest_commit_duration_seconds", NS, "tallied",
                new double[] { .1, .2, .5, 1, 2, 5, 10, 30 },
                new double[] { 1, 3, 4, 4, 4, 5, 5, 5, 5 }, 5, 0.3 + 0.05 + 0.15 + 0.15 + 3.0));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(new TreeSet<>(expected),
                new TreeSet<>(samplesOf(ScrapeText.text(), NS, "tallied"))));
    }

    @Test
    void aDeletedGitRepoLeavesNotOneLineAndOthersAreUntouched() {
        GitRepoRef doomed = new GitRepoRef(NS, "doomed", "uid-doomed");
        GitRepoRef survivor = new GitRepoRef(NS, "survivor", "uid-survivor");
        try (var kafka = new KafkaTestClient()) {
            for (GitRepoRef r : List.of(doomed, survivor)) {
                kafka.send(Events.created(r, r.name() + "-1"));
                kafka.send(Events.creationFailed(r, r.name() + "-2"));
                kafka.send(Events.succeeded(r, r.name() + "-1", 75));
                kafka.send(Events.failed(r, r.name() + "-3"));
                kafka.send(Events.commit(r, 1.2));
                kafka.send(Events.fetchFailed(r));
            }
        }
        int all = 4 + (12 + 3) + (8 + 3) + 1; // the failed Jobs' gauge comes from the cluster, not from events
        await().atMost(WAIT).until(() -> {
            String t = ScrapeText.text();
            return samplesOf(t, NS, "doomed").size() == all && samplesOf(t, NS, "survivor").size() == all;
        });
        List<String> survivorBefore = samplesOf(ScrapeText.text(), NS, "survivor");

        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.deleted(doomed));
        }
        await().atMost(WAIT).until(() -> anyLineOf(ScrapeText.text(), NS, "doomed").isEmpty());
        String after = ScrapeText.text();
        assertEquals(List.of(), anyLineOf(after, NS, "doomed"));
        assertEquals(List.of(), anyLineOf(ScrapeText.openMetrics(), NS, "doomed"));
        assertEquals(survivorBefore, samplesOf(after, NS, "survivor"));
    }

    @Test
    void aLateEventAfterDeletionCreatesNothing() {
        GitRepoRef gone = new GitRepoRef(NS, "late", "uid-late-1");
        double deletionsBefore = deletionsProcessed();
        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.created(gone, "late-1"));
            kafka.send(Events.deleted(gone));
        }
        // The two topics are read independently: wait until the deletion was processed, then send what a slow
        // producer sends late.
        await().atMost(WAIT).until(() -> deletionsProcessed() >= deletionsBefore + 1);
        assertEquals(List.of(), anyLineOf(ScrapeText.text(), NS, "late"));
        GitRepoRef recreated = new GitRepoRef(NS, "late", "uid-late-2");
        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.succeeded(gone, "late-1", 30)); // gitjob-events
            kafka.send(Events.commit(gone, 0.4)); // gitrepo-events
            // The same key's next records, after the late ones on both partitions: a GitRepo re-created under
            // the same name (a new uid), which must be tracked again.
            kafka.send(Events.created(recreated, "late-9"));
            kafka.send(Events.fetchFailed(recreated));
        }
        String l = labels(NS, "late");
        List<String> expected = List.of("fleet_gitjobs_created_success_total{" + l + "} 1.0",
                "fleet_gitrepo_fetch_latest_commit_failure_total{" + l + "} 1.0");
        await().atMost(WAIT).untilAsserted(() -> assertEquals(new TreeSet<>(expected),
                new TreeSet<>(samplesOf(ScrapeText.text(), NS, "late"))));
    }

    /** Lines of Micrometer's {@code _max} gauges of the Fleet histograms (the service's own timers keep theirs). */
    private static List<String> maxLines(String text) {
        return lines(text).stream().filter(l -> l.matches("(# (HELP|TYPE) )?fleet_\\w*_max\\b.*")).toList();
    }

    private static double deletionsProcessed() {
        return Scrape.value("gitjob_events_consumed_total", "topic", Topics.GITREPO_EVENTS, "type", "gitrepo.deleted",
                "outcome", "processed");
    }
}
