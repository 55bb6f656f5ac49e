package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** {@code /q/metrics} is served by the presized registry, not by the one Quarkus would produce. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class ScrapeRegistryWiringTest {

    @Inject
    PrometheusMeterRegistry registry;

    @Test
    void theServicesPrometheusRegistryIsThePresizedOne() {
        assertInstanceOf(PresizedScrapeRegistry.class, registry);
    }
}
