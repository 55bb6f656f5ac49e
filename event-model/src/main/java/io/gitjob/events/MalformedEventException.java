package io.gitjob.events;

/**
 * A record that is not a valid gitjob event: not JSON, an unknown type, a missing or invalid field, or
 * headers that contradict the value. Consumers send such records to {@code gitjob-dead-letters}.
 */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedEventException(String message) {
        super(message);
    }
}
