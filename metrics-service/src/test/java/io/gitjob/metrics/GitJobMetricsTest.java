package io.gitjob.metrics;

import static io.gitjob.metrics.MetricsText.labels;
import static io.gitjob.metrics.MetricsText.samplesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/** The recorder without a broker: a plain Prometheus registry and a hand-moved clock (no test sleeps). */
class GitJobMetricsTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(120);
    private static final String NS = "fleet-local";
    private static final String GAUGE = FleetMetrics.JOB_DURATION_GAUGE;

    private final MutableClock clock = new MutableClock(T0);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new FleetCollectorRegistry(), Clock.SYSTEM);
    private final GitJobMetrics metrics = new GitJobMetrics(registry, TTL, clock, 1000, Duration.ofDays(7));

    private final GitRepoRef app = new GitRepoRef(NS, "app", "uid-app-1");
    private final GitRepoRef other = new GitRepoRef(NS, "other", "uid-other-1");

    @AfterEach
    void close() {
        metrics.close();
    }

    // TTL of the short-lived gauge

    @Test
    void theGaugeGoesATtlAfterItsSet() {
        metrics.record(Events.succeeded(app, "app-1", 42));
        assertEquals(List.of(GAUGE + "{" + labels(NS, "app") + "} 42.0"), gauge("app"));

        clock.advance(TTL.minusSeconds(1));
        assertEquals(0, metrics.expireDue(clock.instant()));
        assertEquals(1, gauge("app").size());

        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, metrics.expireDue(clock.instant()));
        assertEquals(List.of(), gauge("app"));
        assertEquals(1, metrics.expiredGauges());
        assertEquals(1, samplesOf(scrape(), FleetMetrics.JOB_DURATION + "_count", NS, "app").size(),
                "the histogram stays");
    }

    @Test
    void aSuccessReadAfterItsTtlIsOverSetsNoGaugeButCountsInTheHistogram() {
        clock.advance(Duration.ofHours(1));
        // A replay from offset 0: this Job succeeded an hour ago.
        metrics.record(Events.succeeded(app, "app-1", 42, T0));

        assertEquals(List.of(), gauge("app"), "an expired gauge does not come back");
        assertEquals(1, metrics.lateGaugeSets());
        assertEquals(List.of(FleetMetrics.JOB_DURATION + "_count{" + labels(NS, "app") + "} 1.0"),
                samplesOf(scrape(), FleetMetrics.JOB_DURATION + "_count", NS, "app"));
    }

    @Test
    void aSuccessReadLateKeepsTheGaugeForWhatIsLeftOfItsTtl() {
        clock.advance(Duration.ofSeconds(100));
        metrics.record(Events.succeeded(app, "app-1", 42, T0));
        assertEquals(1, gauge("app").size());

        clock.advance(Duration.ofSeconds(19));
        assertEquals(0, metrics.expireDue(clock.instant()));
        clock.advance(Duration.ofSeconds(1)); // T0 + TTL
        assertEquals(1, metrics.expireDue(clock.instant()));
        assertEquals(List.of(), gauge("app"));
    }

    @Test
    void aJobWithinTheTtlKeepsTheGaugeForAFullTtlMore() {
        metrics.record(Events.succeeded(app, "app-1", 42));
        clock.advance(Duration.ofSeconds(60));
        metrics.record(Events.succeeded(app, "app-2", 7));

        clock.advance(Duration.ofSeconds(60)); // the first set's TTL is over: its entry is stale
        assertEquals(1, metrics.expireDue(clock.instant()));
        assertEquals(1, metrics.staleExpiries());
        assertEquals(List.of(GAUGE + "{" + labels(NS, "app") + "} 7.0"), gauge("app"));

        clock.advance(Duration.ofSeconds(59));
        assertEquals(0, metrics.expireDue(clock.instant()));
        assertEquals(1, gauge("app").size());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, metrics.expireDue(clock.instant()));
        assertEquals(List.of(), gauge("app"));
        assertEquals(0, metrics.heapSize());
    }

    @Test
    void atExpiryTheGaugeGoesOnlyIfItsLastSetIsATtlOld() {
        metrics.record(Events.succeeded(app, "app-1", 42));
        // The heap is asked with a later 'now' than the clock's: the double check keeps the gauge and re-queues.
        assertEquals(1, metrics.expireDue(T0.plus(TTL).plusSeconds(5)));
        assertEquals(1, gauge("app").size());
        assertEquals(1, metrics.heapSize());

        clock.advance(TTL);
        assertEquals(1, metrics.expireDue(clock.instant()));
        assertEquals(List.of(), gauge("app"));
    }

    @Test
    void deletionRemovesTheGaugeAtOnceAndItsHeapEntryIsStale() {
        metrics.record(Events.succeeded(app, "app-1", 42));
        clock.advance(Duration.ofSeconds(10));
        metrics.record(Events.deleted(app));
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"));

        clock.advance(TTL);
        assertEquals(1, metrics.expireDue(clock.instant()));
        assertEquals(1, metrics.staleExpiries());
        assertEquals(0, metrics.expiredGauges());
    }

    @Test
    void aGaugeSetAgainAfterExpiryIsBack() {
        metrics.record(Events.succeeded(app, "app-1", 42));
        clock.advance(TTL);
        metrics.expireDue(clock.instant());
        metrics.record(Events.succeeded(app, "app-2", 3));
        assertEquals(List.of(GAUGE + "{" + labels(NS, "app") + "} 3.0"), gauge("app"));
    }

    // Deletion

    @Test
    void deletionDropsEverySeriesOfTheGitRepoAndNoOtherOne() {
        for (GitRepoRef r : List.of(app, other)) {
            metrics.record(Events.created(r, r.name() + "-1"));
            metrics.record(Events.creationFailed(r, r.name() + "-1"));
            metrics.record(Events.succeeded(r, r.name() + "-1", 12));
            metrics.failedJobsRetained(r, 1);
            metrics.record(Events.commit(r, 0.3));
            metrics.record(Events.fetchFailed(r));
        }
        String before = scrape();
        assertEquals(4 + (12 + 3) + (8 + 3) + 2, samplesOf(before, NS, "app").size(),
                "4 counters, 2 histograms (12 and 8 buckets, +Inf, count, sum), 2 gauges");
        List<String> otherBefore = samplesOf(before, NS, "other");

        metrics.record(Events.deleted(app));

        String after = scrape();
        assertEquals(List.of(), MetricsText.anyLineOf(after, NS, "app"));
        assertEquals(otherBefore, samplesOf(after, NS, "other"));
        assertEquals(1, metrics.gitRepoCount());
    }

    @Test
    void lateEventsOfADeletedGitRepoCreateNothingButARecreatedOneIsTracked() {
        metrics.record(Events.created(app, "app-1"));
        metrics.record(Events.deleted(app));
        metrics.record(Events.succeeded(app, "app-1", 30));
        metrics.record(Events.commit(app, 0.2));
        metrics.record(Events.failed(app, "app-1"));
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"));
        assertEquals(3, metrics.ignoredAfterDeletion());
        assertEquals(0, metrics.heapSize(), "a late job succeeded schedules nothing");

        GitRepoRef recreated = new GitRepoRef(NS, "app", "uid-app-2");
        metrics.record(Events.created(recreated, "app-1"));
        assertEquals(List.of("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 1.0"),
                samplesOf(scrape(), NS, "app"));
    }

    @Test
    void aNewUidWithLaterEventsReplacesTheTrackedGitRepoWhoseDeletionIsNotReadYet() {
        metrics.record(Events.created(app, "app-1", T0));
        metrics.record(Events.succeeded(app, "app-1", 30, T0.plusSeconds(5)));
        GitRepoRef recreated = new GitRepoRef(NS, "app", "uid-app-2");
        // gitjob-events of the new GitRepo are read before gitrepo-events' deletion of the old one.
        metrics.record(Events.created(recreated, "app-1", T0.plusSeconds(60)));
        assertEquals(List.of("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 1.0"),
                samplesOf(scrape(), NS, "app"));

        // Now the old GitRepo's late events: older than the tracked one's, so they are ignored.
        metrics.record(Events.commit(app, 0.5, T0.plusSeconds(10)));
        metrics.record(Events.deleted(app, T0.plusSeconds(20)));
        assertEquals(List.of("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 1.0"),
                samplesOf(scrape(), NS, "app"));
    }

    @Test
    void theJanitorDeletingAnOrphanJobOfAnEarlierGitRepoLeavesItsSuccessorsSeries() {
        GitRepoRef recreated = new GitRepoRef(NS, "app", "uid-app-2");
        metrics.record(Events.created(recreated, "app-1", T0));
        metrics.record(Events.succeeded(recreated, "app-1", 30, T0.plusSeconds(5)));
        String before = String.join("\n", samplesOf(scrape(), NS, "app"));

        // Later than everything of the live GitRepo, of the old uid, and creating no series of its own.
        metrics.record(new io.gitjob.events.GitJobEvent.JobDeleted("janitor-1", T0.plusSeconds(3600), app, 1, 0,
                "app-old", null, io.gitjob.events.GitJobEvent.DeletedBy.JANITOR, "orphan"));
        assertEquals(before, String.join("\n", samplesOf(scrape(), NS, "app")));
        metrics.record(Events.created(recreated, "app-2", T0.plusSeconds(3700)));
        assertTrue(scrape().contains("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 2.0"),
                "the live GitRepo is still tracked");
    }

    @Test
    void deletedGitReposAreRememberedWithinBounds() {
        GitJobMetrics small = new GitJobMetrics(registry, TTL, clock, 2, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            small.record(Events.deleted(new GitRepoRef(NS, "r" + i, "u" + i)));
        }
        assertEquals(2, small.deletedRemembered(), "the oldest deletion is forgotten");
        clock.advance(Duration.ofHours(2));
        small.record(Events.deleted(new GitRepoRef(NS, "r9", "u9")));
        assertEquals(1, small.deletedRemembered(), "deletions older than the max age are forgotten");
        small.close();
    }

    // Failed Jobs retained

    @Test
    void failedJobsRetainedIsTheLevelItIsGivenNotAnEdgeCount() {
        metrics.failedJobsRetained(app, 0);
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"), "no failed Job yet: no series");
        metrics.failedJobsRetained(app, 2);
        assertEquals(2.0, retained("app"));
        metrics.record(Events.failed(app, "app-3")); // events no longer move it
        metrics.record(Events.jobDeleted(app, "app-1"));
        assertEquals(2.0, retained("app"));
        metrics.failedJobsRetained(app, 0); // the last one deleted (kubectl delete job)
        assertEquals(List.of(FleetMetrics.FAILED_JOBS_RETAINED + "{" + labels(NS, "app") + "} 0.0"),
                samplesOf(scrape(), FleetMetrics.FAILED_JOBS_RETAINED, NS, "app"));

        GitRepoRef recreated = new GitRepoRef(NS, "app", "uid-app-2");
        metrics.failedJobsRetained(recreated, 1);
        assertEquals(1.0, retained("app"), "a GitRepo re-created under the name replaces the earlier one's gauge");
        metrics.record(Events.deleted(app));
        assertEquals(1.0, retained("app"), "the earlier uid's deletion leaves the later one's gauge");
        metrics.record(Events.deleted(recreated));
        metrics.failedJobsRetained(recreated, 5);
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"), "a deleted GitRepo gets no gauge back");
        assertEquals(0, metrics.failedJobsGauges());
    }

    @Test
    void failedJobsGaugesOfGitReposNotOwnedAnyMoreGo() {
        metrics.failedJobsRetained(app, 1);
        metrics.failedJobsRetained(other, 3);
        assertEquals(1, metrics.retainFailedJobsRetained(r -> r.equals(other)));
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"));
        assertEquals(3.0, retained("other"));
        metrics.removeFailedJobsRetained(other.key());
        assertEquals(0, metrics.failedJobsGauges());
    }

    @Test
    void eventsWithoutMetricsCreateNoSeries() {
        metrics.record(Events.jobDeleted(app, "app-1"));
        metrics.record(Events.failed(app, "app-1"));
        metrics.record(io.gitjob.testing.TestEvents.added(app));
        assertEquals(0, metrics.gitRepoCount());
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"));
    }

    // Events published again under the same id

    @Test
    void anEventPublishedAgainUnderItsIdIsCountedOnce() {
        TopicPartition job0 = new TopicPartition(Topics.GITJOB_EVENTS, 0);
        metrics.partitionsAssigned(Set.of(job0), Map.of(job0, 0L));
        var created = Events.created(app, "app-1");
        var succeeded = Events.succeeded(app, "app-1", 30);
        metrics.record(created, job0, 0);
        metrics.record(succeeded, job0, 1);
        // job-service crashed before recording that it published them, and publishes both again: new offsets.
        metrics.record(created, job0, 2);
        metrics.record(succeeded, job0, 3);
        metrics.record(Events.created(app, "app-2"), job0, 4);

        String text = scrape();
        assertEquals(List.of("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 2.0"),
                samplesOf(text, "fleet_gitjobs_created_success_total", NS, "app"));
        assertEquals(List.of(FleetMetrics.JOB_DURATION + "_count{" + labels(NS, "app") + "} 1.0"),
                samplesOf(text, FleetMetrics.JOB_DURATION + "_count", NS, "app"));
        assertEquals(2, metrics.duplicateIds());
    }

    @Test
    void theMemoryOfIdsIsBoundedPerGitRepo() {
        GitJobMetrics small = new GitJobMetrics(registry, TTL, clock, 1000, Duration.ofDays(7), 2);
        var first = Events.created(app, "app-1");
        small.record(first);
        small.record(Events.created(app, "app-2"));
        small.record(Events.created(other, "other-1")); // another GitRepo's ids do not push app's out
        small.record(first);
        assertEquals(1, small.duplicateIds());
        small.record(Events.created(app, "app-3"));
        small.record(first); // three ids later: forgotten, counted again
        assertEquals(1, small.duplicateIds());
        assertTrue(scrape().contains("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 4.0"));
        small.close();
    }

    // Resync and the informer's deletion

    @Test
    void theResyncDropsEverySeriesOfAGitRepoNoLongerInTheClusterWhoseEventsAreOldEnough() {
        GitRepoRef unseenDeletion = new GitRepoRef(NS, "gone", "uid-gone");
        GitRepoRef justCreated = new GitRepoRef(NS, "new", "uid-new");
        for (GitRepoRef r : List.of(app, unseenDeletion)) {
            metrics.record(Events.created(r, r.name() + "-1", T0));
            metrics.record(Events.commit(r, 0.2, T0));
            metrics.failedJobsRetained(r, 1);
        }
        clock.advance(Duration.ofMinutes(5));
        metrics.record(Events.created(justCreated, "new-1", clock.instant().minusSeconds(10)));
        Set<GitRepoRef> inCluster = Set.of(app); // the informer has not seen "new" yet

        assertEquals(1, metrics.dropAbsent(inCluster::contains, Duration.ofMinutes(1)));

        String text = scrape();
        assertEquals(List.of(), MetricsText.anyLineOf(text, NS, "gone"));
        assertEquals(1 + 1 + (8 + 3) + 1, samplesOf(text, NS, "app").size(), "app is live: all its series stay");
        assertEquals(1, samplesOf(text, NS, "new").size(), "too young to be taken for deleted");
        // Not remembered as deleted (the cache may lag): a later event counts, and the next resync judges again.
        assertEquals(0, metrics.deletedRemembered());
        metrics.record(Events.created(unseenDeletion, "gone-2", T0));
        assertEquals(1, samplesOf(scrape(), NS, "gone").size());
        assertEquals(1, metrics.dropAbsent(inCluster::contains, Duration.ofMinutes(1)));
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "gone"));
    }

    @Test
    void theResyncTellsAGitRepoReCreatedUnderItsNameFromTheEarlierOne() {
        metrics.record(Events.created(app, "app-1", T0));
        clock.advance(Duration.ofMinutes(5));
        GitRepoRef recreated = new GitRepoRef(NS, "app", "uid-app-2");
        assertEquals(1, metrics.dropAbsent(Set.of(recreated)::contains, Duration.ofMinutes(1)));
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"));
    }

    @Test
    void theInformersDeletionDropsEverySeriesAtOnceAndLateEventsCreateNothing() {
        metrics.record(Events.created(app, "app-1"));
        metrics.record(Events.succeeded(app, "app-1", 30));
        metrics.failedJobsRetained(app, 2);
        metrics.record(Events.created(other, "other-1"));

        metrics.gitRepoDeleted(app);

        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"));
        assertEquals(1, samplesOf(scrape(), NS, "other").size());
        assertTrue(metrics.isDeleted(app));
        metrics.record(Events.succeeded(app, "app-2", 30));
        metrics.failedJobsRetained(app, 2);
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"));
        assertEquals(1, metrics.ignoredAfterDeletion());
    }

    // Partitions

    @Test
    void seriesOfGitReposWhosePartitionsMovedAwayAreDropped() {
        TopicPartition repo0 = new TopicPartition(Topics.GITREPO_EVENTS, 0);
        TopicPartition job0 = new TopicPartition(Topics.GITJOB_EVENTS, 0);
        TopicPartition job1 = new TopicPartition(Topics.GITJOB_EVENTS, 1);
        TopicPartition repo1 = new TopicPartition(Topics.GITREPO_EVENTS, 1);
        metrics.partitionsAssigned(Set.of(repo0, job0, repo1, job1), Map.of(repo0, 0L, job0, 0L, repo1, 0L, job1, 0L));
        metrics.record(Events.created(app, "app-1"), job0, 0);
        metrics.record(Events.commit(app, 0.1), repo0, 0);
        metrics.record(Events.created(other, "other-1"), job1, 0);

        // Eager rebalancing: everything revoked, then partition 0 of both topics assigned again.
        metrics.partitionsRevoked(Set.of(repo0, job0, repo1, job1));
        metrics.partitionsAssigned(Set.of(repo0, job0), Map.of(repo0, 1L, job0, 1L));

        String text = scrape();
        assertEquals(1 + 1 + (8 + 3), samplesOf(text, NS, "app").size(), "app kept: 2 counters, 1 histogram");
        assertEquals(List.of(), MetricsText.anyLineOf(text, NS, "other"));
        // A record of the moved partition still in flight creates nothing.
        metrics.record(Events.created(other, "other-2"), job1, 1);
        assertFalse(scrape().contains("name=\"other\""));

        // Lost, then the member rejoins and gets none of them back.
        metrics.partitionsLost(Set.of(repo0, job0));
        assertEquals(1, metrics.gitRepoCount(), "a lost partition is decided at the next assignment");
        metrics.partitionsAssigned(Set.of(), Map.of());
        assertEquals(0, metrics.gitRepoCount());
    }

    @Test
    void aLostPartitionAssignedBackWithNoGapKeepsItsCounts() {
        TopicPartition job0 = new TopicPartition(Topics.GITJOB_EVENTS, 0);
        TopicPartition repo0 = new TopicPartition(Topics.GITREPO_EVENTS, 0);
        metrics.partitionsAssigned(Set.of(job0, repo0), Map.of(job0, 0L, repo0, 0L));
        for (int i = 0; i < 3; i++) {
            metrics.record(Events.created(app, "app-" + i), job0, i);
        }
        metrics.record(Events.commit(app, 0.1), repo0, 0);
        metrics.read(repo0, 1); // a record the intake dead-lettered: read, though not recorded

        // A heartbeat missed: every partition lost. Offsets up to 1 of job0 and 2 of repo0 were committed.
        metrics.partitionsLost(Set.of(job0, repo0));
        metrics.partitionsAssigned(Set.of(job0, repo0), Map.of(job0, 2L, repo0, 2L));
        var redelivered = Events.created(app, "app-2");
        metrics.record(redelivered, job0, 2); // the uncommitted record comes again
        metrics.record(Events.created(app, "app-3"), job0, 3);

        assertEquals(List.of("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 4.0"),
                samplesOf(scrape(), "fleet_gitjobs_created_success_total", NS, "app"));
        assertEquals(1, samplesOf(scrape(), "fleet_gitrepo_fetch_latest_commit_success_total", NS, "app").size());
        assertEquals(1, metrics.redelivered());
        assertEquals(2, metrics.keptAcrossRebalance());
    }

    @Test
    void aLostPartitionThatAnotherReplicaConsumedMeanwhileCountsFromScratch() {
        TopicPartition job0 = new TopicPartition(Topics.GITJOB_EVENTS, 0);
        metrics.partitionsAssigned(Set.of(job0), Map.of(job0, 0L));
        for (int i = 0; i < 3; i++) {
            metrics.record(Events.created(app, "app-" + i), job0, i);
        }
        metrics.partitionsLost(Set.of(job0));
        // Meanwhile another replica owned it, counted offsets 3 to 5 and committed 6.
        metrics.partitionsAssigned(Set.of(job0), Map.of(job0, 6L));
        assertEquals(List.of(), MetricsText.anyLineOf(scrape(), NS, "app"), "short series would hide the gap");
        metrics.record(Events.created(app, "app-3"), job0, 3); // still in flight from before: the other's to count
        metrics.record(Events.created(app, "app-6"), job0, 6);

        assertEquals(List.of("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 1.0"),
                samplesOf(scrape(), NS, "app"));
        assertEquals(0, metrics.keptAcrossRebalance());
    }

    @Test
    void aPartitionWhosePositionIsUnknownCountsFromScratch() {
        TopicPartition job0 = new TopicPartition(Topics.GITJOB_EVENTS, 0);
        metrics.partitionsAssigned(Set.of(job0), Map.of(job0, 0L));
        metrics.record(Events.created(app, "app-0"), job0, 0);
        metrics.partitionsRevoked(Set.of(job0));
        metrics.partitionsAssigned(Set.of(job0), Map.of());
        assertEquals(0, metrics.gitRepoCount());
    }

    @Test
    void fractionalDurationsLandInTheirOwnBuckets() {
        // A Micrometer distribution summary would round each value up to a whole number before bucketing.
        for (double seconds : new double[] { 0.1, 0.15, 0.3, 0.5, 0.51 }) {
            metrics.record(Events.commit(app, seconds));
        }
        assertEquals(MetricsText.histogram(FleetMetrics.FETCH_DURATION, NS, "app", FleetMetrics.FETCH_DURATION_BUCKETS,
                new double[] { 1, 2, 4, 5, 5, 5, 5, 5, 5 }, 5, 1.56),
                samplesOf(scrape(), FleetMetrics.FETCH_DURATION, NS, "app"));
    }

    @Test
    void aRecordDeliveredAgainAfterARebalanceIsNotCountedTwice() {
        TopicPartition job0 = new TopicPartition(Topics.GITJOB_EVENTS, 0);
        metrics.partitionsAssigned(Set.of(job0), Map.of(job0, 7L));
        var created = Events.created(app, "app-1");
        metrics.record(created, job0, 7);
        // Eager rebalance: revoked, assigned again; the uncommitted record comes again.
        metrics.partitionsRevoked(Set.of(job0));
        metrics.partitionsAssigned(Set.of(job0), Map.of(job0, 7L));
        metrics.record(created, job0, 7);
        metrics.record(Events.created(app, "app-2"), job0, 8);
        assertEquals(List.of("fleet_gitjobs_created_success_total{" + labels(NS, "app") + "} 2.0"),
                samplesOf(scrape(), NS, "app"));
        assertEquals(1, metrics.redelivered());
    }

    @Test
    void histogramsHaveNoMaxSeries() {
        metrics.record(Events.succeeded(app, "app-1", 4));
        metrics.record(Events.commit(app, 0.3));
        String text = scrape();
        assertFalse(text.contains("_max"), text);
        assertTrue(text.contains("# TYPE fleet_gitjob_duration_seconds histogram"));
    }

    /** What /q/metrics serves: the meters, and the gauges the recorder keeps outside the registry. */
    private String scrape() {
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            new io.gitjob.metrics.exposition.MeterExposition(registry, PrometheusConfig.DEFAULT,
                    FleetMetrics.HIDDEN_SAMPLES, metrics.gaugeFamilies())
                    .write(out, io.prometheus.client.exporter.common.TextFormat.CONTENT_TYPE_004);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    private List<String> gauge(String name) {
        return samplesOf(scrape(), GAUGE, NS, name);
    }

    private double retained(String name) {
        List<String> lines = samplesOf(scrape(), FleetMetrics.FAILED_JOBS_RETAINED, NS, name);
        assertEquals(1, lines.size(), lines.toString());
        return Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
    }
}
