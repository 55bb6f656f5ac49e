package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The one-shot command a CronJob runs: the whole application, started with its arguments, and its exit code. */
@QuarkusMainTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class OnceModeTest {

    @Test
    @Launch("--once")
    void onceRunsOneCleanupLogsTheSummaryAndExitsZero(LaunchResult result) {
        assertEquals(0, result.exitCode());
        assertTrue(result.getOutput().contains("janitor run: result=success"), result.getOutput());
    }

    @Test
    @Launch(value = "--onse", exitCode = 2)
    void aMistypedFlagExitsTwoWithTheUsage(LaunchResult result) {
        assertTrue(result.getErrorOutput().contains("unknown argument: --onse"), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("usage: janitor-service [--once]"), result.getErrorOutput());
    }
}
