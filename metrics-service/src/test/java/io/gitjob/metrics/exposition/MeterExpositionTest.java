package io.gitjob.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.metrics.FleetCollectorRegistry;
import io.gitjob.metrics.FleetMetrics;
import io.gitjob.metrics.GitJobMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;

/** The exposition written from the meters is Micrometer's, family for family, in both formats. */
class MeterExpositionTest {

    private PrometheusMeterRegistry registry;
    private GitJobMetrics metrics;
    private MeterExposition exposition;

    @BeforeEach
    void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new FleetCollectorRegistry(),
                io.micrometer.core.instrument.Clock.SYSTEM);
        metrics = new GitJobMetrics(registry, Duration.ofSeconds(120), Clock.systemUTC(), 1000, Duration.ofDays(7));
        exposition = new MeterExposition(registry, PrometheusConfig.DEFAULT, FleetMetrics.HIDDEN_SAMPLES);
    }

    @AfterEach
    void tearDown() {
        metrics.close();
    }

    @Test
    void fleetSeriesEscapedLabelsOddGaugesAndBindersAreMicrometersFamilyForFamily() throws IOException {
        for (int i = 0; i < 50; i++) {
            record(i);
        }
        // A deleted GitRepo: its series are gone from both.
        metrics.record(new GitRepoEvent.Deleted("d1", Instant.now(), ref(7), 1, 0));
        Counter.builder("odd.labels").description("quote \" backslash \\ newline \n end")
                .tag("v", "a\\b\"c\nd é 日本 \uD83D\uDE00").register(registry).increment(3);
        // One description per name, as every gitjob meter has (see MeterExposition on HELP).
        Counter.builder("odd.labels").description("quote \" backslash \\ newline \n end").tag("v", "plain")
                .register(registry);
        Gauge.builder("odd.gauge", () -> Double.NaN).tag("k", "nan").register(registry);
        Gauge.builder("odd.gauge", () -> Double.POSITIVE_INFINITY).tag("k", "pinf").register(registry);
        Gauge.builder("odd.gauge", () -> Double.NEGATIVE_INFINITY).tag("k", "ninf").register(registry);
        Gauge.builder("odd.gauge", () -> 1e-300).tag("k", "tiny").register(registry);
        Gauge.builder("no.tags", () -> 42).register(registry);
        Timer other = Timer.builder("other.timer").serviceLevelObjectives(Duration.ofMillis(5), Duration.ofSeconds(3))
                .tag("a", "1").register(registry);
        other.record(7, TimeUnit.MILLISECONDS);
        Timer.builder("plain.timer").register(registry).record(Duration.ofMillis(1500));
        Counter gone = Counter.builder("odd.labels").tag("v", "deleted").register(registry);
        gone.increment();
        registry.remove(gone);
        // Left to Micrometer's own path: binders, a time gauge, a function counter, a summary, percentiles.
        new JvmMemoryMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        TimeGauge.builder("odd.time.gauge", () -> 2500, TimeUnit.MILLISECONDS).register(registry);
        FunctionCounter.builder("odd.function", this, t -> 5).register(registry);
        DistributionSummary.builder("odd.summary").register(registry).record(3);
        Timer.builder("odd.percentiles").publishPercentiles(0.5).register(registry).record(Duration.ofMillis(2));

        for (boolean openMetrics : new boolean[] { false, true }) {
            String format = openMetrics ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004;
            String micrometers = registry.scrape(format);
            StringWriter ours = new StringWriter();
            exposition.write(ours, format);
            ExpositionFamilies expected = ExpositionFamilies.of(micrometers, openMetrics);
            ExpositionFamilies actual = ExpositionFamilies.of(ours.toString(), openMetrics);
            assertEquals(expected.families().keySet(), actual.families().keySet(), format);
            expected.families().forEach((name, family) -> {
                if (name.startsWith("jvm_")) {
                    // The JVM binders' values move between two scrapes (classes load, memory is allocated).
                    assertEquals(family.comments(), actual.families().get(name).comments(), format + ": " + name);
                    assertEquals(withoutValues(family), withoutValues(actual.families().get(name)), format + ": " + name);
                } else {
                    assertEquals(family, actual.families().get(name), format + ": family " + name);
                }
            });
            assertEquals(expected.trailer(), actual.trailer(), format);
            assertTrue(micrometers.contains(FleetMetrics.JOB_DURATION + "_bucket{")
                    && micrometers.contains(FleetMetrics.FETCH_DURATION + "_bucket{"), "histograms are in the test");
            assertTrue(micrometers.contains("name=\"repo-8\"") && !micrometers.contains("name=\"repo-7\""),
                    "the deleted GitRepo's series are gone");
            assertTrue(!micrometers.contains("deleted"), "the removed counter is gone");
        }
    }

    /**
     * Fleet's status levels and the failed Jobs retained are not meters ({@link GaugeFamily}): written exactly as
     * Micrometer writes gauges of the same name, description, tags and value, registered here as the recorder
     * registered them before (one gauge per GitRepo and family).
     */
    @Test
    void keptGaugesAreWhatMicrometersGaugesOfTheSameNameAndTagsWrite() throws IOException {
        PrometheusMeterRegistry oracle = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new FleetCollectorRegistry(), io.micrometer.core.instrument.Clock.SYSTEM);
        String[] paths = { "deploy", "apps/web;apps/db", "quote \" backslash \\ newline \n é 日本" };
        for (int i = 0; i < 30; i++) {
            GitRepoRef r = ref(i);
            String repo = "https://user:secret@git.example/r" + (i % 4) + ".git";
            String shown = io.gitjob.events.UrlCredentials.redact(repo);
            assertTrue(!shown.contains("secret"), shown);
            io.gitjob.gitrepo.GitRepo g = gitRepo(r, repo, i % 5 == 0 ? null : "main", paths[i % 3], i);
            metrics.gitRepoStatus(r, g);
            double[] values = { i + 1, 0, i % 2, 1, 0, i, 0, 2, 3, i % 4 };
            for (int k = 0; k < values.length; k++) {
                FleetMetrics.StatusGauge gauge = FleetMetrics.GITREPO_STATUS_GAUGES.get(k);
                double value = values[k];
                Gauge.builder(gauge.name(), () -> value).description(gauge.help())
                        .tags("name", r.name(), "namespace", r.namespace(),
                                "repo", shown,
                                "branch", i % 5 == 0 ? "" : "main", "paths", paths[i % 3])
                        .register(oracle);
            }
            if (i % 3 != 0) {
                metrics.failedJobsRetained(r, i % 7 + 1);
                int failed = i % 7 + 1;
                Gauge.builder(FleetMetrics.FAILED_JOBS_RETAINED, () -> failed)
                        .description(FleetMetrics.FAILED_JOBS_RETAINED_HELP)
                        .tags("name", r.name(), "namespace", r.namespace()).register(oracle);
            }
        }
        MeterExposition withKept = new MeterExposition(registry, PrometheusConfig.DEFAULT,
                FleetMetrics.HIDDEN_SAMPLES, metrics.gaugeFamilies());
        for (boolean openMetrics : new boolean[] { false, true }) {
            String format = openMetrics ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004;
            StringWriter ours = new StringWriter();
            withKept.write(ours, format);
            ExpositionFamilies expected = ExpositionFamilies.of(oracle.scrape(format), openMetrics);
            ExpositionFamilies actual = ExpositionFamilies.of(ours.toString(), openMetrics);
            assertEquals(11, expected.families().size(), "the ten status levels and the failed Jobs retained");
            expected.families().forEach((name, family) -> assertEquals(family, actual.families().get(name),
                    format + ": family " + name));
        }
        // No series, no family: a GitRepo without readiness has none, as a name without meters has none.
        for (int i = 0; i < 30; i++) {
            metrics.removeGitRepoStatus(ref(i).key());
            metrics.removeFailedJobsRetained(ref(i).key());
        }
        StringWriter none = new StringWriter();
        withKept.write(none, TextFormat.CONTENT_TYPE_004);
        assertTrue(!none.toString().contains("fleet_gitrepo_ready_clusters")
                && !none.toString().contains(FleetMetrics.FAILED_JOBS_RETAINED), none.toString());
    }

    private static io.gitjob.gitrepo.GitRepo gitRepo(GitRepoRef r, String repo, String branch, String paths, int i) {
        io.gitjob.gitrepo.GitRepo g = new io.gitjob.gitrepo.GitRepo();
        g.getMetadata().setNamespace(r.namespace());
        g.getMetadata().setName(r.name());
        g.getMetadata().setUid(r.uid());
        io.gitjob.gitrepo.GitRepoSpec spec = new io.gitjob.gitrepo.GitRepoSpec();
        spec.setRepo(repo);
        spec.setBranch(branch);
        spec.setPaths(java.util.List.of(paths.split(";")));
        g.setSpec(spec);
        io.gitjob.gitrepo.ResourceCounts counts = new io.gitjob.gitrepo.ResourceCounts();
        counts.setDesiredReady(i + 1);
        counts.setModified(i % 2);
        counts.setNotReady(1);
        counts.setReady(i);
        counts.setWaitApplied(2);
        io.gitjob.gitrepo.GitRepoStatus status = new io.gitjob.gitrepo.GitRepoStatus();
        status.setResourceCounts(counts);
        status.setDesiredReadyClusters(3);
        status.setReadyClusters(i % 4);
        g.setStatus(status);
        return g;
    }

    @Test
    void familiesAndSeriesComeInNameAndTagValueOrder() throws IOException {
        for (int i = 0; i < 20; i++) {
            record(i);
            metrics.gitRepoStatus(ref(i), gitRepo(ref(i), "https://git.example/r.git", "main", "deploy", i));
        }
        exposition = new MeterExposition(registry, PrometheusConfig.DEFAULT, FleetMetrics.HIDDEN_SAMPLES,
                metrics.gaugeFamilies());
        StringWriter ours = new StringWriter();
        exposition.write(ours, TextFormat.CONTENT_TYPE_004);
        assertTrue(ours.toString().contains("# HELP fleet_gitrepo_ready_clusters ")
                && ours.toString().contains("# HELP " + FleetMetrics.FAILED_JOBS_RETAINED + " "), "kept gauges in it");
        String previousFamily = "";
        for (String line : ours.toString().split("\n")) {
            if (line.startsWith("# HELP ")) {
                String family = line.split(" ")[2];
                assertTrue(family.compareTo(previousFamily) > 0, family + " after " + previousFamily);
                previousFamily = family;
            }
        }
        StringWriter again = new StringWriter();
        exposition.write(again, TextFormat.CONTENT_TYPE_004);
        assertEquals(ours.toString(), again.toString(), "the same registry, the same text");
    }

    private static java.util.List<String> withoutValues(ExpositionFamilies.Family family) {
        return family.sortedSamples().stream().map(line -> line.substring(0, line.lastIndexOf(' '))).toList();
    }

    private static GitRepoRef ref(int i) {
        return new GitRepoRef("ns-" + (i % 3), "repo-" + i, "uid-" + i);
    }

    private void record(int i) {
        GitRepoRef r = ref(i);
        Instant t = Instant.now();
        String job = r.name() + "-1a2b3";
        metrics.record(new GitJobEvent.JobCreated("e1-" + i, t, r, 1, 0, job, "c0ffee"));
        metrics.record(new GitJobEvent.JobSucceeded("e2-" + i, t, r, 1, 0, job, "c0ffee", 12.5 + i % 100));
        metrics.failedJobsRetained(r, 1);
        metrics.record(new GitRepoEvent.CommitDetected("e3-" + i, t, r, 1, 0, "https://git.example/r.git", "main",
                "c0ffee", null, 0.05 * (i % 40), GitRepoEvent.CommitSource.POLL));
        metrics.record(new GitRepoEvent.CommitFetchFailed("e4-" + i, t, r, 1, 0, "https://git.example/r.git", "E",
                "m", 1.0));
    }
}
