package io.gitjob.job;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.gitjob.testing.GitRepoCrdSetup;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With no broker to reach the service is alive but not ready, so Kubernetes sends it no traffic. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
@TestProfile(ReadinessWithoutBrokerTest.NoBroker.class)
class ReadinessWithoutBrokerTest {

    @Test
    void notReadyWhileKafkaIsUnreachableButAlive() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(503).body(containsString("\"status\": \"DOWN\""));
    }

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "localhost:" + closedPort(),
                    "kafka.default.api.timeout.ms", "3000");
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort(); // free once closed: nothing listens there
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
