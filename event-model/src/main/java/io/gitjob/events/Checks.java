package io.gitjob.events;

import java.util.Objects;

/** The field checks every event record runs in its constructor, so no half-filled event can exist. */
final class Checks {
    private Checks() {
    }

    static <T> T required(T value, String field) {
        return Objects.requireNonNull(value, () -> "field '" + field + "' is required");
    }

    static String nonBlank(String value, String field) {
        required(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' must not be blank");
        }
        return value;
    }

    static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException("field '" + field + "' must be >= 0, was " + value);
        }
        return value;
    }

    static double nonNegative(double value, String field) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("field '" + field + "' must be a finite number >= 0, was " + value);
        }
        return value;
    }

    /** The part every event shares: it names its GitRepo, generations, an id and a time (design section 2). */
    static void common(String eventId, Object time, GitRepoRef gitRepo, long generation, long forceSyncGeneration) {
        nonBlank(eventId, "eventId");
        required(time, "time");
        required(gitRepo, "gitRepo");
        nonNegative(generation, "generation");
        nonNegative(forceSyncGeneration, "forceSyncGeneration");
    }
}
