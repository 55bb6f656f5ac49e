package io.gitjob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * One GET per Secret per period, however many polls ask: counted at Fabric8's mock API server (standing in for
 * the cluster's), which records every request it served.
 */
class ClusterReadsTest {

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
                new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void aSecretOrItsAbsenceIsReadOncePerPeriodAndARotationIsSeenAfterIt() throws Exception {
        client.secrets().inNamespace("fleet-local").resource(new SecretBuilder().withNewMetadata()
                .withName("git-auth").endMetadata().addToStringData("password", "one").build()).create();
        ClusterReads reads = new ClusterReads(client, Duration.ofMinutes(1));
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        reads.clock = Clock.fixed(t0, ZoneOffset.UTC);
        int before = server.getRequestCount();

        for (int i = 0; i < 50; i++) {
            assertTrue(reads.secret("fleet-local", "git-auth").isPresent());
            assertTrue(reads.secret("fleet-local", "gitcredential").isEmpty());
            assertTrue(reads.configMap("cattle-fleet-system", "known-hosts").isEmpty());
        }
        assertEquals(3, server.getRequestCount() - before, "one GET per object, the missing ones too");

        client.secrets().inNamespace("fleet-local").withName("git-auth").edit(s -> new SecretBuilder(s)
                .addToStringData("password", "two").build());
        reads.clock = Clock.fixed(t0.plusSeconds(61), ZoneOffset.UTC);
        assertEquals("two", reads.secret("fleet-local", "git-auth").get().getStringData().get("password"));
    }

    @Test
    void withoutAPeriodEveryReadAsksTheApi() {
        ClusterReads reads = new ClusterReads(client, Duration.ZERO);
        int before = server.getRequestCount();
        reads.secret("fleet-local", "gitcredential");
        reads.secret("fleet-local", "gitcredential");
        assertEquals(2, server.getRequestCount() - before);
    }
}
