package io.gitjob.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A record as one JSON line: where it is, its key, headers and value (as JSON where it is JSON). */
final class RecordJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordJson() {
    }

    static ObjectNode of(ConsumerRecord<String, byte[]> r) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("topic", r.topic());
        json.put("partition", r.partition());
        json.put("offset", r.offset());
        json.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
        json.put("key", r.key());
        ObjectNode headers = json.putObject("headers");
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        json.set("value", value(r.value()));
        return json;
    }

    /** The value as JSON when it is JSON, as a string when it is not (a malformed record is shown as it is). */
    static JsonNode value(byte[] value) {
        if (value == null) {
            return MAPPER.nullNode();
        }
        try {
            return MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            return MAPPER.getNodeFactory().textNode(new String(value, StandardCharsets.UTF_8));
        }
    }

    static String line(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
