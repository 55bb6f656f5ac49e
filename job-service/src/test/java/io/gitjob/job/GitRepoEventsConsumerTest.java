package io.gitjob.job;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.DeadLetterHeaders;
import io.gitjob.events.Topics;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.Scrape;
import io.gitjob.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.gitjob.testing.GitRepoCrdSetup;

/** job-service against a real Kafka broker (embedded KRaft, or a container where Docker is present). */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
@WithTestResource(KafkaBrokerResource.class)
class GitRepoEventsConsumerTest {

    private static final String CONSUMED = "gitjob_events_consumed_total";

    @Test
    void anEventSentToTheBrokerIsConsumed() {
        double before = processed("gitrepo.commit-detected");
        try (var kafka = new KafkaTestClient()) {
            kafka.send(TestEvents.commitDetected(TestEvents.gitRepo("fleet-local", "consumed"), "c0ffee"));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> processed("gitrepo.commit-detected") == before + 1);
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextOneIsProcessed() {
        double before = processed("gitrepo.added");
        String key = "fleet-local/malformed";
        try (var kafka = new KafkaTestClient();
                var deadLetters = kafka.readFromNow(Topics.DEAD_LETTERS)) {
            kafka.sendRaw(Topics.GITREPO_EVENTS, key, "{not json".getBytes(StandardCharsets.UTF_8));
            kafka.send(TestEvents.added(TestEvents.gitRepo("fleet-local", "malformed")));

            var dead = deadLetters.await(r -> key.equals(r.key()), Duration.ofSeconds(30));
            assertEquals("{not json", new String(dead.value(), StandardCharsets.UTF_8));
            assertTrue(header(dead, DeadLetterHeaders.REASON).contains("not JSON"),
                    header(dead, DeadLetterHeaders.REASON));
            assertEquals("io.gitjob.events.MalformedEventException", header(dead, DeadLetterHeaders.EXCEPTION_CLASS));
            assertEquals(Topics.GITREPO_EVENTS, header(dead, DeadLetterHeaders.TOPIC));
            assertEquals("job-service", header(dead, DeadLetterHeaders.CONSUMER));
        }
        // The valid event behind the bad one on the same partition went through.
        await().atMost(Duration.ofSeconds(30)).until(() -> processed("gitrepo.added") == before + 1);
    }

    @Test
    void anEventUnderAnotherGitReposKeyIsDeadLettered() {
        try (var kafka = new KafkaTestClient();
                var deadLetters = kafka.readFromNow(Topics.DEAD_LETTERS)) {
            var event = TestEvents.added(TestEvents.gitRepo("fleet-local", "owner"));
            kafka.sendRaw(Topics.GITREPO_EVENTS, "fleet-local/someone-else", io.gitjob.events.EventCodec.encode(event));
            var dead = deadLetters.await(r -> "fleet-local/someone-else".equals(r.key()), Duration.ofSeconds(30));
            assertTrue(header(dead, DeadLetterHeaders.REASON).contains("wrong partition"),
                    header(dead, DeadLetterHeaders.REASON));
        }
    }

    @Test
    void healthAndMetricsAreServed() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(200).body(containsString("\"status\": \"UP\"")));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    private static double processed(String type) {
        return Scrape.value(CONSUMED, "topic", Topics.GITREPO_EVENTS, "type", type, "outcome", "processed");
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r, String name) {
        return CloudEventHeaders.text(r.headers(), name);
    }
}
