package io.gitjob.events;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * JSON of gitjob's events and of the {@code gitrepo-state} records. Decoding is strict: a record either
 * becomes a complete, valid value or a {@link MalformedEventException} that says what is wrong with it.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Every field must be present (null where allowed): a record missing one is not half-read.
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            // A newer producer may add fields; older consumers ignore them rather than dead-letter every record.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private EventCodec() {
    }

    public static byte[] encode(Event event) {
        Class<? extends Event> topicType = event instanceof GitRepoEvent ? GitRepoEvent.class : GitJobEvent.class;
        try {
            return MAPPER.writerFor(topicType).writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.type() + " event: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Decodes one record value of a topic whose values are {@code topicType} ({@link GitRepoEvent} or
     * {@link GitJobEvent}).
     *
     * @throws MalformedEventException for anything but a complete, valid event of that topic
     */
    public static <T extends Event> T decode(byte[] value, Class<T> topicType) {
        if (value == null) {
            throw new MalformedEventException("record has no value: expected a " + topicType.getSimpleName()
                    + " JSON object, found a tombstone");
        }
        return read(value, topicType);
    }

    public static byte[] encodeState(GitRepoState state) {
        try {
            return MAPPER.writeValueAsBytes(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode GitRepo state: " + e.getOriginalMessage(), e);
        }
    }

    /** Decodes a {@code gitrepo-state} value; null (a tombstone) means the GitRepo was deleted. */
    public static GitRepoState decodeState(byte[] value) {
        return value == null ? null : read(value, GitRepoState.class);
    }

    private static <T> T read(byte[] value, Class<T> type) {
        String what = type.getSimpleName();
        try {
            return MAPPER.readValue(value, type);
        } catch (InvalidTypeIdException e) {
            String found = e.getTypeId() == null ? "no 'type' field" : "type '" + e.getTypeId() + "'";
            throw new MalformedEventException("not a " + what + ": " + found + "; known types: " + knownTypes(type), e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new MalformedEventException("invalid " + what + ": " + cause.getMessage(), e);
        } catch (JsonMappingException e) {
            throw new MalformedEventException("invalid " + what + " at " + e.getPathReference() + ": "
                    + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("record value is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("cannot read record value: " + e.getMessage(), e);
        }
    }

    private static String knownTypes(Class<?> topicType) {
        if (!topicType.isSealed()) {
            return "none";
        }
        StringBuilder names = new StringBuilder();
        for (Class<?> c : topicType.getPermittedSubclasses()) {
            names.append(names.length() == 0 ? "" : ", ").append(EventTypes.typeName(c));
        }
        return names.toString();
    }
}
