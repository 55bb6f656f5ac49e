package io.gitjob.events;

import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer of gitjob events: JSON value plus CloudEvents headers. The {@code ce_source} attribute
 * comes from the client property {@value #SOURCE_CONFIG} (the producing service), {@code /gitjob} if unset.
 */
public class EventSerializer implements Serializer<Event> {

    public static final String SOURCE_CONFIG = "gitjob.cloudevents.source";

    private String source = "/gitjob";

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object configured = configs.get(SOURCE_CONFIG);
        if (configured != null && !configured.toString().isBlank()) {
            source = configured.toString();
        }
    }

    @Override
    public byte[] serialize(String topic, Event data) {
        return data == null ? null : EventCodec.encode(data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Event data) {
        if (data == null) {
            return null;
        }
        CloudEventHeaders.write(headers, data, source);
        return EventCodec.encode(data);
    }
}
