package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.metrics.exposition.ExpositionFamilies;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * {@code /q/metrics} through real HTTP is streamed (chunked, no length known up front) and carries what
 * {@code registry.scrape(contentType)} carries, family for family and line for line (the series of a family in a
 * stable order of its own, see MeterExposition), in both formats, chosen by the Accept header as Quarkus' handler
 * chose.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
@TestProfile(StreamedScrapeRouteTest.StillRegistry.class)
class StreamedScrapeRouteTest {

    /** Without Quarkus' JVM, HTTP and Kafka binders, nothing moves between two scrapes, so they can be compared. */
    public static class StillRegistry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.micrometer.binder-enabled-default", "false");
        }
    }

    private static final int GIT_REPOS = 300; // about 1 MB of text: many chunks

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @Inject
    PrometheusMeterRegistry registry;

    @Inject
    GitJobMetrics gitJobMetrics;

    @BeforeEach
    void everyGitRepoHasItsSeries() {
        for (int i = 0; i < GIT_REPOS; i++) {
            GitRepoRef r = new GitRepoRef("ns-" + (i % 3), "repo-" + i, "uid-" + i);
            Instant t = Instant.now();
            String job = r.name() + "-1a2b3";
            gitJobMetrics.record(new GitJobEvent.JobCreated("e1", t, r, 1, 0, job, "c0ffee"));
            gitJobMetrics.record(new GitJobEvent.JobSucceeded("e2", t, r, 1, 0, job, "c0ffee", 12.5 + i % 100));
            gitJobMetrics.record(new GitRepoEvent.CommitDetected("e3", t, r, 1, 0, "https://git.example/r.git",
                    "main", "c0ffee", null, 0.05 * (i % 40), GitRepoEvent.CommitSource.POLL));
        }
    }

    @Test
    void textFormatWhenAcceptNamesTextPlainAsForPrometheusItself() throws Exception {
        assertStreamedAs(TextFormat.CONTENT_TYPE_004, "text/plain");
        assertStreamedAs(TextFormat.CONTENT_TYPE_004, ScrapeText.PROMETHEUS_ACCEPT);
    }

    @Test
    void openMetricsWithoutAcceptForAnyTypeAndWhenAskedFor() throws Exception {
        assertStreamedAs(TextFormat.CONTENT_TYPE_OPENMETRICS_100, null);
        assertStreamedAs(TextFormat.CONTENT_TYPE_OPENMETRICS_100, "*/*");
        assertStreamedAs(TextFormat.CONTENT_TYPE_OPENMETRICS_100, TextFormat.CONTENT_TYPE_OPENMETRICS_100);
    }

    @Test
    void anAcceptHeaderNamingNeitherFormatIsStillRefusedByQuarkus() throws Exception {
        assertEquals(406, get("application/json").statusCode());
        assertEquals(406, get("text/html,application/xhtml+xml").statusCode());
    }

    private void assertStreamedAs(String contentType, String accept) throws Exception {
        HttpResponse<byte[]> response = get(accept);
        byte[] expected = registry.scrape(contentType).getBytes(StandardCharsets.UTF_8);

        assertEquals(200, response.statusCode(), "Accept " + accept);
        assertEquals(contentType, response.headers().firstValue("Content-Type").orElse(null), "Accept " + accept);
        assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElse(null),
                "streamed, not Quarkus' handler (which sends a Content-Length)");
        assertFalse(response.headers().firstValue("Content-Length").isPresent());
        assertTrue(expected.length > 10 * ChunkedUtf8Writer.DEFAULT_CHUNK_SIZE, "many chunks: " + expected.length);
        assertTrue(new String(expected, StandardCharsets.UTF_8).contains("name=\"repo-" + (GIT_REPOS - 1) + "\""));
        // Micrometer's series order within a family is its maps' hash order, the route's is by name and tag values
        // (MeterExposition): the same families, each with the same header lines and the same sample lines.
        boolean openMetrics = contentType.equals(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
        ExpositionFamilies micrometers = ExpositionFamilies.of(new String(expected, StandardCharsets.UTF_8), openMetrics);
        ExpositionFamilies served = ExpositionFamilies.of(new String(response.body(), StandardCharsets.UTF_8),
                openMetrics);
        assertEquals(micrometers.families().keySet(), served.families().keySet(), "Accept " + accept);
        micrometers.families().forEach((name, family) -> {
            if (name.startsWith("jvm_") || name.startsWith("process_") || name.startsWith("system_")) {
                // These values move between two scrapes; their lines without the value must match.
                assertEquals(family.comments(), served.families().get(name).comments(), name);
                assertEquals(withoutValues(family), withoutValues(served.families().get(name)), name);
            } else {
                assertEquals(family, served.families().get(name), "Accept " + accept + ": family " + name);
            }
        });
        assertEquals(micrometers.trailer(), served.trailer(), "Accept " + accept);
    }

    private static java.util.List<String> withoutValues(ExpositionFamilies.Family family) {
        return family.sortedSamples().stream().map(line -> line.substring(0, line.lastIndexOf(' '))).toList();
    }

    private HttpResponse<byte[]> get(String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(metrics.toString())).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        // HTTP/1.1: a chunked body is how a stream of unknown length travels there (as Prometheus scrapes).
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
