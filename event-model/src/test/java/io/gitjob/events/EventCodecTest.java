package io.gitjob.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

    static Stream<Event> samples() {
        return SampleEvents.all().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyEventSurvivesARoundTrip(Event event) {
        byte[] json = EventCodec.encode(event);
        Class<? extends Event> topicType = event instanceof GitRepoEvent ? GitRepoEvent.class : GitJobEvent.class;
        assertEquals(event, EventCodec.decode(json, topicType));
    }

    @Test
    void everyEventTypeHasASample() {
        Set<Class<?>> sampled = samples().map(Object::getClass).collect(Collectors.toSet());
        Stream.of(GitRepoEvent.class, GitJobEvent.class)
                .flatMap(t -> Arrays.stream(t.getPermittedSubclasses()))
                .forEach(c -> assertTrue(sampled.contains(c), "no round-trip sample for " + c.getSimpleName()));
    }

    @Test
    void jsonNamesTheTypeAndKeepsFieldsReadable() {
        var event = new GitRepoEvent.Deleted("e4", SampleEvents.TIME, SampleEvents.REPO, 2, 1);
        String json = new String(EventCodec.encode(event), StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"gitrepo.deleted\",\"eventId\":\"e4\",\"time\":\"2026-11-23T08:30:15.123Z\","
                + "\"gitRepo\":{\"namespace\":\"fleet-local\",\"name\":\"simple\","
                + "\"uid\":\"4d7c9a80-1c1e-4f7e-9a51-0e1b4b1a2c3d\"},\"generation\":2,\"forceSyncGeneration\":1}",
                json);
    }

    @Test
    void aFieldAddedByANewerProducerIsIgnored() {
        String json = "{\"type\":\"gitrepo.deleted\",\"eventId\":\"e4\",\"time\":\"2026-11-23T08:30:15Z\","
                + "\"gitRepo\":{\"namespace\":\"a\",\"name\":\"b\",\"uid\":\"u\"},\"generation\":2,"
                + "\"forceSyncGeneration\":1,\"newField\":true}";
        assertInstanceOf(GitRepoEvent.Deleted.class, decodeRepoEvent(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json at all",
            "{\"type\":\"gitrepo.deleted\",",
            "[]",
            "{}",
    })
    void garbageIsRejected(String value) {
        assertThrows(MalformedEventException.class, () -> decodeRepoEvent(value));
    }

    @Test
    void anUnknownTypeIsRejectedNamingTheKnownOnes() {
        var e = assertThrows(MalformedEventException.class,
                () -> decodeRepoEvent(deleted().replace("gitrepo.deleted", "gitrepo.renamed")));
        assertTrue(e.getMessage().contains("type 'gitrepo.renamed'"), e.getMessage());
        assertTrue(e.getMessage().contains("gitrepo.commit-detected"), e.getMessage());
    }

    @Test
    void anEventOfTheOtherTopicIsRejected() {
        byte[] jobEvent = EventCodec.encode(SampleEvents.all().stream()
                .filter(GitJobEvent.JobCreated.class::isInstance).findFirst().orElseThrow());
        var e = assertThrows(MalformedEventException.class, () -> EventCodec.decode(jobEvent, GitRepoEvent.class));
        assertTrue(e.getMessage().contains("type 'gitjob.created'"), e.getMessage());
    }

    @Test
    void aMissingFieldIsRejectedNotDefaulted() {
        var e = assertThrows(MalformedEventException.class,
                () -> decodeRepoEvent(deleted().replace(",\"generation\":2", "")));
        assertTrue(e.getMessage().contains("generation"), e.getMessage());
    }

    @Test
    void aNullRequiredFieldIsRejectedWithItsName() {
        var e = assertThrows(MalformedEventException.class,
                () -> decodeRepoEvent(deleted().replace("\"uid\":\"u\"", "\"uid\":null")));
        assertTrue(e.getMessage().contains("gitRepo.uid"), e.getMessage());
    }

    @Test
    void aMissingTypeIsRejected() {
        var e = assertThrows(MalformedEventException.class,
                () -> decodeRepoEvent(deleted().replace("\"type\":\"gitrepo.deleted\",", "")));
        assertTrue(e.getMessage().contains("no 'type' field"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"generation\":\"2\"", "\"generation\":2.5", "\"generation\":-1", "\"generation\":null" })
    void aBadNumberIsRejected(String badGeneration) {
        assertThrows(MalformedEventException.class,
                () -> decodeRepoEvent(deleted().replace("\"generation\":2", badGeneration)));
    }

    @Test
    void anUnknownEnumValueIsRejected() {
        byte[] json = EventCodec.encode(new GitJobEvent.JobTerminated("e", SampleEvents.TIME, SampleEvents.REPO, 1, 0,
                "j", "c", GitJobEvent.TerminationCause.FORCE_SYNC));
        String bad = new String(json, StandardCharsets.UTF_8).replace("FORCE_SYNC", "BORED");
        assertThrows(MalformedEventException.class,
                () -> EventCodec.decode(bad.getBytes(StandardCharsets.UTF_8), GitJobEvent.class));
    }

    @Test
    void duplicateFieldsAndTrailingDataAreRejected() {
        assertThrows(MalformedEventException.class,
                () -> decodeRepoEvent(deleted().replace("\"eventId\":\"e4\"", "\"eventId\":\"e4\",\"eventId\":\"e5\"")));
        assertThrows(MalformedEventException.class, () -> decodeRepoEvent(deleted() + "{}"));
    }

    @Test
    void aTombstoneIsRejectedOnAnEventTopic() {
        var e = assertThrows(MalformedEventException.class, () -> EventCodec.decode(null, GitRepoEvent.class));
        assertTrue(e.getMessage().contains("tombstone"), e.getMessage());
    }

    @Test
    void gitRepoStateSurvivesARoundTripAndATombstoneMeansDeleted() {
        var state = new GitRepoState(SampleEvents.REPO, 3, 1, SampleEvents.SPEC, SampleEvents.COMMIT,
                SampleEvents.TIME);
        assertEquals(state, EventCodec.decodeState(EventCodec.encodeState(state)));
        assertEquals(null, EventCodec.decodeState(null));
        assertThrows(MalformedEventException.class,
                () -> EventCodec.decodeState("{\"gitRepo\":null}".getBytes(StandardCharsets.UTF_8)));
    }

    private static String deleted() {
        return "{\"type\":\"gitrepo.deleted\",\"eventId\":\"e4\",\"time\":\"2026-11-23T08:30:15Z\","
                + "\"gitRepo\":{\"namespace\":\"a\",\"name\":\"b\",\"uid\":\"u\"},\"generation\":2,"
                + "\"forceSyncGeneration\":1}";
    }

    private static GitRepoEvent decodeRepoEvent(String json) {
        return EventCodec.decode(json.getBytes(StandardCharsets.UTF_8), GitRepoEvent.class);
    }
}
