package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gitjob.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** A run that cannot reach the API server lists nothing, deletes nothing, and the CronJob sees exit code 1. */
@QuarkusMainTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(OnceModeWithoutApiServerTest.NoApiServer.class)
class OnceModeWithoutApiServerTest {

    public static class NoApiServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 1 on loopback: nothing listens there. No retries, so the test does not wait out a backoff.
            return Map.of("quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:1",
                    "quarkus.kubernetes-client.request-retry-backoff-limit", "0",
                    "quarkus.kubernetes-client.connection-timeout", "PT2S");
        }
    }

    @Test
    @Launch(value = "--once", exitCode = 1)
    void exitsOneWhenTheRunFailed(LaunchResult result) {
        assertTrue(result.getOutput().contains("janitor run: result=failed"), result.getOutput());
        assertTrue(result.getOutput().contains("errors=1"), result.getOutput());
    }
}
