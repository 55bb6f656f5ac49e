package io.gitjob.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

@EnableKubernetesMockClient(crud = true)
class KubernetesEventRecorderTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-02T03:04:05.123456Z"));
    private KubernetesEventRecorder recorder;

    @BeforeEach
    void start() {
        client.events().v1().events().inAnyNamespace().delete();
        recorder = recorder(client, new KubernetesEventRecorder.Settings(100, Duration.ofMinutes(6),
                Duration.ofMillis(100), 1000));
    }

    @AfterEach
    void stop() {
        recorder.close();
    }

    @Test
    void anEventIsAnEventsV1EventOnTheObjectWithFleetsFields() throws Exception {
        GenericKubernetesResource repo = gitRepo("fleet-local", "app", "uid-1");
        GenericKubernetesResource job = new GenericKubernetesResourceBuilder().withApiVersion("batch/v1")
                .withKind("Job").withNewMetadata().withNamespace("fleet-local").withName("app-abc12").withUid("uid-j")
                .endMetadata().build();

        recorder.record(repo, job, KubernetesEventRecorder.NORMAL, "Created", "Create", "GitJob was created");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));

        Event event = single("fleet-local");
        assertEquals("fleet.cattle.io/v1alpha1", event.getRegarding().getApiVersion());
        assertEquals("GitRepo", event.getRegarding().getKind());
        assertEquals("app", event.getRegarding().getName());
        assertEquals("fleet-local", event.getRegarding().getNamespace());
        assertEquals("uid-1", event.getRegarding().getUid());
        assertEquals("Job", event.getRelated().getKind());
        assertEquals("app-abc12", event.getRelated().getName());
        assertEquals("Normal", event.getType());
        assertEquals("Created", event.getReason());
        assertEquals("Create", event.getAction());
        assertEquals("GitJob was created", event.getNote());
        assertEquals("gitjob", event.getReportingController());
        assertEquals("gitjob-watcher-0", event.getReportingInstance());
        assertEquals("2026-01-02T03:04:05.123456Z", event.getEventTime().getTime());
        assertTrue(event.getMetadata().getName().startsWith("app."), event.getMetadata().getName());
        assertNull(event.getSeries());
    }

    @Test
    void repeatsCountInOneEventsSeries() throws Exception {
        GenericKubernetesResource repo = gitRepo("ns", "app", "uid-1");
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "host unreachable");
        clock.advance(Duration.ofSeconds(15));
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "host unreachable");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        assertEquals(2, single("ns").getSeries().getCount());

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(15));
            recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "host unreachable");
        }
        // the later counts wait for the periodic write, not one patch per occurrence
        await().atMost(Duration.ofSeconds(5)).until(() -> single("ns").getSeries().getCount() == 7);
        Event event = single("ns");
        assertEquals("2026-01-02T03:05:35.123456Z", event.getSeries().getLastObservedTime().getTime());
        assertEquals("2026-01-02T03:04:05.123456Z", event.getEventTime().getTime());
        assertEquals(1, events("ns").size());
    }

    @Test
    void aDifferentNoteTypeOrObjectIsAnotherEvent() throws Exception {
        recorder.normal(gitRepo("ns", "app", "uid-1"), "GotNewCommit", "CheckCommit", "aaaa");
        clock.advance(Duration.ofMillis(1));
        recorder.normal(gitRepo("ns", "app", "uid-1"), "GotNewCommit", "CheckCommit", "bbbb");
        clock.advance(Duration.ofMillis(1));
        recorder.warning(gitRepo("ns", "app", "uid-1"), "GotNewCommit", "CheckCommit", "bbbb");
        clock.advance(Duration.ofMillis(1));
        recorder.normal(gitRepo("ns", "other", "uid-2"), "GotNewCommit", "CheckCommit", "bbbb");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));

        List<Event> events = events("ns");
        assertEquals(4, events.size());
        assertTrue(events.stream().allMatch(e -> e.getSeries() == null));
    }

    @Test
    void aStatusWriteBetweenTwoOccurrencesDoesNotBreakTheSeries() throws Exception {
        GenericKubernetesResource repo = gitRepo("ns", "app", "uid-1");
        repo.getMetadata().setResourceVersion("1");
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        GenericKubernetesResource later = gitRepo("ns", "app", "uid-1");
        later.getMetadata().setResourceVersion("2");
        recorder.warning(later, "FailedToCheckCommit", "CheckCommit", "boom");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        assertEquals(2, single("ns").getSeries().getCount());
    }

    @Test
    void aRepeatAfterTheSeriesWentIdleIsANewEvent() throws Exception {
        GenericKubernetesResource repo = gitRepo("ns", "app", "uid-1");
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        clock.advance(Duration.ofMinutes(7));
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        List<Event> events = events("ns");
        assertEquals(2, events.size());
        assertTrue(events.stream().allMatch(e -> e.getSeries() == null));
    }

    @Test
    void aSeriesWhoseEventWasDeletedGoesOnInANewEvent() throws Exception {
        GenericKubernetesResource repo = gitRepo("ns", "app", "uid-1");
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        client.events().v1().events().inNamespace("ns").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> events("ns").isEmpty());

        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        Event again = single("ns");
        assertEquals(2, again.getSeries().getCount());
        assertEquals("FailedToCheckCommit", again.getReason());
    }

    @Test
    void anEventMadeAgainAfterA404IsTheFirstOneWithItsCount() throws Exception {
        GenericKubernetesResource repo = gitRepo("ns", "app", "uid-1");
        repo.getMetadata().setResourceVersion("41");
        GenericKubernetesResource job = new GenericKubernetesResourceBuilder().withApiVersion("batch/v1")
                .withKind("Job").withNewMetadata().withNamespace("ns").withName("app-abc12").withUid("uid-j")
                .withResourceVersion("7").endMetadata().build();
        recorder.record(repo, job, KubernetesEventRecorder.WARNING, "JobFailed", "RunGitJob", "job app-abc12 failed");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        Event first = single("ns");
        client.events().v1().events().inNamespace("ns").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> events("ns").isEmpty());

        clock.advance(Duration.ofSeconds(15));
        recorder.record(repo, job, KubernetesEventRecorder.WARNING, "JobFailed", "RunGitJob", "job app-abc12 failed");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));

        Event again = single("ns");
        assertEquals(2, again.getSeries().getCount());
        assertEquals("2026-01-02T03:04:20.123456Z", again.getSeries().getLastObservedTime().getTime());
        // everything but the series is the first Event's, rebuilt from what the recorder remembers of it
        assertEquals(first.getMetadata().getName(), again.getMetadata().getName());
        assertEquals(first.getMetadata().getNamespace(), again.getMetadata().getNamespace());
        assertEquals(first.getRegarding(), again.getRegarding());
        assertEquals("41", again.getRegarding().getResourceVersion());
        assertEquals(first.getRelated(), again.getRelated());
        assertEquals("batch/v1", again.getRelated().getApiVersion());
        assertEquals("uid-j", again.getRelated().getUid());
        assertEquals("7", again.getRelated().getResourceVersion());
        assertEquals(first.getType(), again.getType());
        assertEquals(first.getReason(), again.getReason());
        assertEquals(first.getAction(), again.getAction());
        assertEquals(first.getNote(), again.getNote());
        assertEquals(first.getReportingController(), again.getReportingController());
        assertEquals(first.getReportingInstance(), again.getReportingInstance());
        assertEquals(first.getEventTime(), again.getEventTime());
    }

    @Test
    void aRepeatIsOnePatchAndALostEventOnePatchAndOneCreateWithNoRead() throws Exception {
        GenericKubernetesResource repo = gitRepo("ns", "app", "uid-1");
        String events = "/apis/events.k8s.io/v1/namespaces/ns/events";
        Instant first = clock.instant();
        String name = "app." + Long.toHexString(first.getEpochSecond() * 1_000_000_000L + first.getNano());
        served();

        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        clock.advance(Duration.ofSeconds(15));
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        assertEquals(List.of("POST " + events, "PATCH " + events + "/" + name), served());

        client.events().v1().events().inNamespace("ns").delete();
        served();
        int before = server.getRequestCount();
        clock.advance(Duration.ofSeconds(15));
        recorder.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
        // the third occurrence waits for the periodic write: its patch meets a 404, then the series is created
        await().atMost(Duration.ofSeconds(5)).until(() -> server.getRequestCount() - before >= 2);
        assertTrue(recorder.drain(Duration.ofSeconds(5)));
        assertEquals(List.of("PATCH " + events + "/" + name, "POST " + events), served());
        assertEquals(3, single("ns").getSeries().getCount());
    }

    @Test
    void theNoteCarriesNoCredentialAndFitsTheApi() throws Exception {
        recorder.warning(gitRepo("ns", "app", "uid-1"), "FailedToCheckCommit", "CheckCommit",
                "https://user:s3cret@git.example.com/org/app.git: not authorized; "
                        + "https://ghp_token123@github.com/org/app: 401; ssh://git@host/org/app kept");
        recorder.warning(gitRepo("ns", "big", "uid-2"), "FailedToCheckCommit", "CheckCommit",
                "é".repeat(2000));
        assertTrue(recorder.drain(Duration.ofSeconds(5)));

        Event scrubbed = events("ns").stream().filter(e -> e.getRegarding().getName().equals("app")).findFirst()
                .orElseThrow();
        assertEquals("https://user:***@git.example.com/org/app.git: not authorized; "
                + "https://***@github.com/org/app: 401; ssh://git@host/org/app kept", scrubbed.getNote());
        Event big = events("ns").stream().filter(e -> e.getRegarding().getName().equals("big")).findFirst()
                .orElseThrow();
        assertTrue(big.getNote().getBytes(StandardCharsets.UTF_8).length <= 1024);
        assertTrue(big.getNote().endsWith("..."));
    }

    @Test
    void anApiThatDoesNotAnswerNeverFailsTheCaller() throws Exception {
        try (KubernetesClient away = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client
                .ConfigBuilder().withMasterUrl("http://127.0.0.1:1").withRequestTimeout(500)
                .withConnectionTimeout(500).withRequestRetryBackoffLimit(0).build()).build();
                KubernetesEventRecorder lost = recorder(away, KubernetesEventRecorder.Settings.DEFAULTS)) {
            GenericKubernetesResource repo = gitRepo("ns", "app", "uid-1");
            assertDoesNotThrow(() -> {
                lost.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
                lost.warning(repo, "FailedToCheckCommit", "CheckCommit", "boom");
            });
            assertTrue(lost.drain(Duration.ofSeconds(20)));
            // a failed create is not remembered: the next occurrence tries to create it again
            assertEquals(0, lost.remembered());
        }
    }

    @Test
    void memoryIsBoundedByTheSeriesItRemembers() throws Exception {
        try (KubernetesEventRecorder small = recorder(client, new KubernetesEventRecorder.Settings(3,
                Duration.ofMinutes(6), Duration.ofMinutes(1), 1000))) {
            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofMillis(1));
                small.normal(gitRepo("bounded", "app-" + i, "uid-" + i), "GotNewCommit", "CheckCommit", "c" + i);
            }
            assertTrue(small.drain(Duration.ofSeconds(5)));
            assertEquals(3, small.remembered());
            assertEquals(10, events("bounded").size());
            // a forgotten one repeated is a new Event, not a failure
            clock.advance(Duration.ofMillis(1));
            small.normal(gitRepo("bounded", "app-0", "uid-0"), "GotNewCommit", "CheckCommit", "c0");
            assertTrue(small.drain(Duration.ofSeconds(5)));
            assertEquals(11, events("bounded").size());
            assertFalse(events("bounded").stream().anyMatch(e -> e.getSeries() != null));
        }
    }

    private KubernetesEventRecorder recorder(KubernetesClient on, KubernetesEventRecorder.Settings settings) {
        return new KubernetesEventRecorder(on, "gitjob", "gitjob-watcher-0", settings, clock);
    }

    private static GenericKubernetesResource gitRepo(String namespace, String name, String uid) {
        return new GenericKubernetesResourceBuilder().withApiVersion("fleet.cattle.io/v1alpha1").withKind("GitRepo")
                .withNewMetadata().withNamespace(namespace).withName(name).withUid(uid).endMetadata().build();
    }

    /** The requests the API server answered since the last call, as "METHOD path" without the query. */
    private static List<String> served() throws InterruptedException {
        List<String> served = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null;) {
            served.add(r.getMethod() + " " + r.getPath().replaceFirst("\\?.*", ""));
        }
        return served;
    }

    private static List<Event> events(String namespace) {
        return client.events().v1().events().inNamespace(namespace).list().getItems().stream()
                .sorted(Comparator.comparing(e -> e.getMetadata().getName())).toList();
    }

    private static Event single(String namespace) {
        List<Event> events = events(namespace);
        assertEquals(1, events.size(), () -> "events: " + events);
        return events.get(0);
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
