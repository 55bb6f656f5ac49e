package io.gitjob.metrics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.Topics;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.Scrape;
import io.gitjob.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** metrics-service against a real Kafka broker (embedded KRaft, or a container where Docker is present). */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class EventsConsumerTest {

    @Test
    void eventsOfBothTopicsAreConsumed() {
        var gitRepo = TestEvents.gitRepo("fleet-local", "both-topics");
        double repoBefore = processed(Topics.GITREPO_EVENTS, "gitrepo.commit-detected");
        double jobBefore = processed(Topics.GITJOB_EVENTS, "gitjob.created");
        try (var kafka = new KafkaTestClient()) {
            kafka.send(TestEvents.commitDetected(gitRepo, "c0ffee"));
            kafka.send(new GitJobEvent.JobCreated(TestEvents.id(), Instant.now(), gitRepo, 1, 0, "both-topics-1a2b3",
                    "c0ffee"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> processed(Topics.GITREPO_EVENTS, "gitrepo.commit-detected")
                == repoBefore + 1 && processed(Topics.GITJOB_EVENTS, "gitjob.created") == jobBefore + 1);
    }

    @Test
    void healthAndMetricsAreServed() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(200).body(containsString("\"status\": \"UP\"")));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    private static double processed(String topic, String type) {
        return Scrape.value("gitjob_events_consumed_total", "topic", topic, "type", type, "outcome", "processed");
    }
}
