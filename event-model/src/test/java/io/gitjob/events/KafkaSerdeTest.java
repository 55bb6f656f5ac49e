package io.gitjob.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class KafkaSerdeTest {

    private final GitRepoEvent event = new GitRepoEvent.CommitDetected("evt-1", SampleEvents.TIME,
            SampleEvents.REPO, 2, 1, SampleEvents.SPEC.repo(), "main", SampleEvents.COMMIT, null, 0.3,
            GitRepoEvent.CommitSource.POLL);

    @Test
    void serializerWritesCloudEventsBinaryModeHeaders() {
        Headers headers = new RecordHeaders();
        try (var serializer = new EventSerializer()) {
            serializer.configure(Map.of(EventSerializer.SOURCE_CONFIG, "/gitjob/watcher-service"), false);
            serializer.serialize(Topics.GITREPO_EVENTS, headers, event);
        }
        assertEquals("1.0", CloudEventHeaders.text(headers, "ce_specversion"));
        assertEquals("evt-1", CloudEventHeaders.text(headers, "ce_id"));
        assertEquals("io.gitjob.gitrepo.commit-detected", CloudEventHeaders.text(headers, "ce_type"));
        assertEquals("/gitjob/watcher-service", CloudEventHeaders.text(headers, "ce_source"));
        assertEquals("2026-11-23T08:30:15.123Z", CloudEventHeaders.text(headers, "ce_time"));
        assertEquals("fleet-local/simple", CloudEventHeaders.text(headers, "ce_subject"));
        assertEquals("application/json", CloudEventHeaders.text(headers, "content-type"));
    }

    @Test
    void serializingTwiceDoesNotDuplicateHeaders() {
        Headers headers = new RecordHeaders();
        try (var serializer = new EventSerializer()) {
            serializer.serialize(Topics.GITREPO_EVENTS, headers, event);
            serializer.serialize(Topics.GITREPO_EVENTS, headers, event);
        }
        int count = 0;
        for (var ignored : headers.headers("ce_id")) {
            count++;
        }
        assertEquals(1, count);
        assertEquals("/gitjob", CloudEventHeaders.text(headers, "ce_source"));
    }

    @Test
    void deserializerReadsWhatTheSerializerWrote() {
        Headers headers = new RecordHeaders();
        byte[] value;
        try (var serializer = new EventSerializer()) {
            value = serializer.serialize(Topics.GITREPO_EVENTS, headers, event);
        }
        try (var deserializer = new EventDeserializer.GitRepoEvents()) {
            assertEquals(event, deserializer.deserialize(Topics.GITREPO_EVENTS, headers, value));
        }
    }

    @Test
    void aHeaderThatContradictsTheValueIsRejected() {
        Headers headers = new RecordHeaders();
        headers.add("ce_type", "io.gitjob.gitrepo.deleted".getBytes(StandardCharsets.UTF_8));
        byte[] value = EventCodec.encode(event);
        try (var deserializer = new EventDeserializer.GitRepoEvents()) {
            var e = assertThrows(MalformedEventException.class,
                    () -> deserializer.deserialize(Topics.GITREPO_EVENTS, headers, value));
            assertTrue(e.getMessage().contains("contradicts"), e.getMessage());
        }
    }

    @Test
    void aNullEventSerializesToATombstone() {
        try (var serializer = new EventSerializer()) {
            assertNull(serializer.serialize(Topics.GITREPO_EVENTS, new RecordHeaders(), null));
        }
    }
}
