package io.gitjob.events;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** The type name of every event class, read from its {@link JsonTypeName} so JSON and headers never disagree. */
public final class EventTypes {

    private static final Map<Class<?>, String> NAMES = Stream
            .concat(Arrays.stream(GitRepoEvent.class.getPermittedSubclasses()),
                    Arrays.stream(GitJobEvent.class.getPermittedSubclasses()))
            .collect(Collectors.toUnmodifiableMap(Function.identity(),
                    c -> c.getAnnotation(JsonTypeName.class).value()));

    private EventTypes() {
    }

    public static String typeName(Class<?> eventClass) {
        String name = NAMES.get(eventClass);
        if (name == null) {
            throw new IllegalArgumentException("not a gitjob event class: " + eventClass.getName());
        }
        return name;
    }

    /** The CloudEvents {@code type} attribute of an event type name, e.g. {@code io.gitjob.gitrepo.deleted}. */
    public static String cloudEventType(String typeName) {
        return CloudEventHeaders.TYPE_PREFIX + typeName;
    }
}
