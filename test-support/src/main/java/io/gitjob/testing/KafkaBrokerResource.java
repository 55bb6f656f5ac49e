package io.gitjob.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} the real test broker: {@code @WithTestResource(KafkaBrokerResource.class)}.
 * The broker outlives the application under test, so every test class of a module shares one.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", KafkaBroker.bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker is stopped when the test JVM exits: restarting it per test class would cost seconds each.
    }
}
