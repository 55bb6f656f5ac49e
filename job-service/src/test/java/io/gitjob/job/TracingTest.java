package io.gitjob.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * With tracing on, a commit's trace runs through job-service: the Job is created in it, and the Job's success
 * and deletion, seen later by the watch, continue it, on the spans and on the events' traceparent headers.
 * Real broker, Fabric8's mock API server in CRUD mode, spans caught by an in-memory exporter.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class TracingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void oneTraceRunsFromTheCommitToTheJobsDeletion() {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-local").withName("traced").build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/traced.git");
        gitRepo.setSpec(spec);
        GitRepo created = client.resource(gitRepo).create();
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String traceparent = "00-" + traceId + "-00f067aa0ba902b7-01";

        try (var kafka = new KafkaTestClient(); var jobEvents = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            kafka.send(new GitRepoEvent.CommitDetected(UUID.randomUUID().toString(), Instant.now(),
                    new GitRepoRef("fleet-local", "traced", created.getMetadata().getUid()), 1, 0, spec.getRepo(),
                    "main", "c1", null, 0.1, GitRepoEvent.CommitSource.WEBHOOK), Map.of("traceparent", traceparent));
            // The commit reaches the status after the event here (the test's producer is slower than the
            // watcher's warm one): the event finds nothing to do yet, and the reconcile that the status change
            // triggers acts in the event's trace all the same.
            await().atMost(WAIT).until(() -> io.gitjob.testing.Scrape.value("gitjob_events_consumed_total", "type",
                    "gitrepo.commit-detected", "outcome", "processed") > 0);
            io.gitjob.gitrepo.GitRepoStatusEdit.edit(client, new GitRepoRef("fleet-local", "traced",
                    created.getMetadata().getUid()), s -> s.setPollingCommit("c1"));

            ConsumerRecord<String, byte[]> jobCreated = jobEvents.await(r -> type(r).equals("io.gitjob.gitjob.created")
                    && r.key().equals("fleet-local/traced"), WAIT);
            assertEquals(traceId, traceIdOf(jobCreated));

            Job job = client.batch().v1().jobs().inNamespace("fleet-local")
                    .withLabel(JobConventions.GITREPO_LABEL, "traced").list().getItems().get(0);
            job.setStatus(new JobStatusBuilder().withSucceeded(1).withStartTime("2026-11-23T09:00:00Z")
                    .withCompletionTime("2026-11-23T09:00:07Z").build());
            client.resource(job).updateStatus();

            for (String type : List.of("io.gitjob.gitjob.succeeded", "io.gitjob.gitjob.deleted")) {
                var record = jobEvents.await(r -> type(r).equals(type) && r.key().equals("fleet-local/traced"), WAIT);
                assertEquals(traceId, traceIdOf(record), type);
            }
        }
        // Our spans: the event's, the reconcile that created the Job (joined to the event's trace although a status
        // change triggered it), and the completion's (joined through the Job's annotation). The reconciler's threads
        // have no Vert.x context, so Quarkus' own spans of the API calls are not children there.
        await().atMost(WAIT).untilAsserted(() -> {
            List<String> names = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId))
                    .map(SpanData::getName).toList();
            assertTrue(names.containsAll(List.of("process gitrepo.commit-detected", "reconcile", "job succeeded")),
                    names.toString());
        });
    }

    private static String type(ConsumerRecord<String, byte[]> r) {
        return String.valueOf(CloudEventHeaders.text(r.headers(), CloudEventHeaders.TYPE));
    }

    private static String traceIdOf(ConsumerRecord<String, byte[]> r) {
        String traceparent = CloudEventHeaders.text(r.headers(), "traceparent");
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "PT0.05S",
                    // No collector in tests: the in-memory exporter below catches the spans.
                    "quarkus.otel.exporter.otlp.traces.endpoint", "http://localhost:1");
        }
    }

    /** The exporter the SDK finds as a CDI bean. */
    public static class Exporter {
        @Produces
        @Singleton
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }
}
