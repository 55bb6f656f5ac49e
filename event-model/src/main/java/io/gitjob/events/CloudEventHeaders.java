package io.gitjob.events;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents Kafka protocol binding, binary mode: the event's attributes as {@code ce_*} headers beside the
 * JSON value, so any Kafka tool shows what a record is without parsing it.
 */
public final class CloudEventHeaders {

    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_1_0 = "1.0";
    public static final String TYPE_PREFIX = "io.gitjob.";
    public static final String JSON = "application/json";

    private CloudEventHeaders() {
    }

    /** Replaces any {@code ce_*} headers with the event's; {@code source} names the producing service. */
    public static void write(Headers headers, Event event, String source) {
        for (String name : new String[] { ID, TYPE, SOURCE, TIME, SPEC_VERSION, SUBJECT, CONTENT_TYPE }) {
            headers.remove(name);
        }
        put(headers, SPEC_VERSION, SPEC_VERSION_1_0);
        put(headers, ID, event.eventId());
        put(headers, TYPE, EventTypes.cloudEventType(event.type()));
        put(headers, SOURCE, source);
        put(headers, TIME, DateTimeFormatter.ISO_INSTANT.format(event.time()));
        put(headers, SUBJECT, event.key().toString());
        put(headers, CONTENT_TYPE, JSON);
    }

    /**
     * Checks that the headers, where present, describe the decoded event: a {@code ce_type} of another event
     * type means the producer and the value disagree, and the record is not trusted.
     */
    public static void verify(Headers headers, Event event) {
        String type = text(headers, TYPE);
        String expected = EventTypes.cloudEventType(event.type());
        if (type != null && !type.equals(expected)) {
            throw new MalformedEventException("header " + TYPE + " '" + type + "' contradicts the value's type '"
                    + event.type() + "' (expected '" + expected + "')");
        }
        String id = text(headers, ID);
        if (id != null && !id.equals(event.eventId())) {
            throw new MalformedEventException("header " + ID + " '" + id + "' contradicts the value's eventId '"
                    + event.eventId() + "'");
        }
    }

    /** The last value of a header as UTF-8 text, or null when absent. */
    public static String text(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
