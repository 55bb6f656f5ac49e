package io.gitjob.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer of one event topic. Throws {@link MalformedEventException} for anything that is not a
 * valid event of that topic, including a value whose CloudEvents headers contradict it.
 */
public abstract class EventDeserializer<T extends Event> implements Deserializer<T> {

    private final Class<T> topicType;

    protected EventDeserializer(Class<T> topicType) {
        this.topicType = topicType;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return EventCodec.decode(data, topicType);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        T event = EventCodec.decode(data, topicType);
        CloudEventHeaders.verify(headers, event);
        return event;
    }

    /** For {@code gitrepo-events}. */
    public static class GitRepoEvents extends EventDeserializer<GitRepoEvent> {
        public GitRepoEvents() {
            super(GitRepoEvent.class);
        }
    }

    /** For {@code gitjob-events}. */
    public static class GitJobEvents extends EventDeserializer<GitJobEvent> {
        public GitJobEvents() {
            super(GitJobEvent.class);
        }
    }
}
