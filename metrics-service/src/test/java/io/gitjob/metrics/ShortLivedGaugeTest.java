package io.gitjob.metrics;

import static io.gitjob.metrics.MetricsText.labels;
import static io.gitjob.metrics.MetricsText.samplesOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gitjob.events.GitRepoRef;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The short-lived gauge against a real broker, with the TTL set to a few seconds. Times are read from the
 * JVM's clock, which the service shares: a gauge set after {@code sent} cannot expire before
 * {@code sent + TTL}.
 */
@QuarkusTest
@TestProfile(ShortLivedGaugeTest.ShortTtl.class)
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class ShortLivedGaugeTest {

    static final Duration TTL = Duration.ofSeconds(4);
    private static final String NS = "ttl";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GAUGE = FleetMetrics.JOB_DURATION_GAUGE;

    public static class ShortTtl implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gitjob.metrics.short-lived-ttl", TTL.toSeconds() + "s");
        }
    }

    /** The consumer is up and has caught up before a test measures anything against the TTL. */
    @BeforeEach
    void consumerRunning() {
        GitRepoRef probe = new GitRepoRef(NS, "probe", "uid-probe");
        double before = created("probe");
        send(Events.created(probe, "probe-1"));
        await().atMost(WAIT).until(() -> created("probe") == before + 1);
    }

    @Test
    void theGaugeIsVisibleWithinTheTtlAndGoneAfterIt() {
        GitRepoRef gitRepo = new GitRepoRef(NS, "once", "uid-once");
        Instant sent = Instant.now();
        send(Events.succeeded(gitRepo, "once-1", 12));
        await().atMost(TTL).until(() -> gauge("once").equals(List.of(line("once", 12))));

        await().atMost(TTL.plusSeconds(10)).until(() -> gauge("once").isEmpty());
        assertNotBefore(sent.plus(TTL));
        assertEquals(1, samplesOf(ScrapeText.text(), "fleet_gitjob_duration_seconds_count", NS, "once").size(),
                "only the gauge is short-lived");
    }

    @Test
    void aSecondJobWithinTheTtlKeepsTheGaugeForAFullTtlMore() {
        GitRepoRef gitRepo = new GitRepoRef(NS, "twice", "uid-twice");
        Instant first = Instant.now();
        send(Events.succeeded(gitRepo, "twice-1", 11));
        await().atMost(TTL).until(() -> gauge("twice").equals(List.of(line("twice", 11))));

        // Well within the first TTL, a second job succeeds.
        Instant second = first.plus(TTL.dividedBy(2));
        await().atMost(TTL).until(() -> !Instant.now().isBefore(second));
        Instant secondSent = Instant.now();
        send(Events.succeeded(gitRepo, "twice-2", 22));
        await().atMost(TTL).until(() -> gauge("twice").equals(List.of(line("twice", 22))));

        // Fleet's first timer would drop it at first + TTL; here it lives until a TTL after the second set.
        await().atMost(TTL.plusSeconds(10)).until(() -> gauge("twice").isEmpty());
        assertNotBefore(secondSent.plus(TTL));
    }

    @Test
    void deletionMidTtlRemovesTheGaugeAtOnce() {
        GitRepoRef gitRepo = new GitRepoRef(NS, "deleted", "uid-deleted");
        Instant sent = Instant.now();
        send(Events.succeeded(gitRepo, "deleted-1", 9));
        await().atMost(TTL).until(() -> gauge("deleted").equals(List.of(line("deleted", 9))));

        send(Events.deleted(gitRepo));
        await().atMost(TTL).until(() -> gauge("deleted").isEmpty());
        Instant gone = Instant.now();
        assertTrue(gone.isBefore(sent.plus(TTL)), "removed by the deletion, " + Duration.between(sent, gone)
                + " after the job, before its TTL of " + TTL);
        assertEquals(List.of(), MetricsText.anyLineOf(ScrapeText.text(), NS, "deleted"));
    }

    private static void send(io.gitjob.events.Event event) {
        try (var kafka = new KafkaTestClient()) {
            kafka.send(event);
        }
    }

    private static List<String> gauge(String name) {
        return samplesOf(ScrapeText.text(), GAUGE, NS, name);
    }

    private static String line(String name, double value) {
        return GAUGE + "{" + labels(NS, name) + "} " + value;
    }

    private static double created(String name) {
        List<String> lines = samplesOf(ScrapeText.text(), "fleet_gitjobs_created_success_total", NS, name);
        return lines.isEmpty() ? 0 : Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
    }

    private static void assertNotBefore(Instant earliest) {
        Instant now = Instant.now();
        assertTrue(!now.isBefore(earliest), "the gauge went " + Duration.between(now, earliest) + " too early");
    }
}
