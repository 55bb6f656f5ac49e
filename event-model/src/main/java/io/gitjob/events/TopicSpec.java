package io.gitjob.events;

import java.util.Map;

/**
 * One of gitjob's topics as the tests, the sandbox and the Strimzi manifests create it.
 *
 * @param eventType the sealed interface of the topic's values; null for topics whose values are not events
 */
public record TopicSpec(String name, int partitions, Map<String, String> config, Class<? extends Event> eventType) {
    public TopicSpec {
        Checks.nonBlank(name, "name");
        config = Map.copyOf(config);
    }
}
