package io.gitjob.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * The sandbox API server's front ({@link ApiFront}) in front of <b>Fabric8's mock API server</b> (CRUD mode):
 * watches over a plain HTTP stream, as kubectl and client-go make them, and everything else passed through.
 */
@Timeout(60)
class ApiFrontTest {

    private KubernetesMockServer mock;
    private ApiFront front;
    private KubernetesClient direct;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        mock.init(InetAddress.getLoopbackAddress(), 0);
        front = ApiFront.start(InetAddress.getLoopbackAddress(), 0,
                URI.create("http://127.0.0.1:" + mock.getPort()));
        direct = mock.createClient();
    }

    @AfterEach
    void stop() {
        direct.close();
        front.close();
        mock.destroy();
    }

    private String frontUrl() {
        return "http://127.0.0.1:" + front.port();
    }

    @Test
    void aWatchIsAPlainHttpStreamOfOneJsonEventALine() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                URI.create(frontUrl() + "/api/v1/namespaces/ns/configmaps?watch=true")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (Exception e) {
                // the test ended the stream
            }
        });
        reader.setDaemon(true);
        reader.start();

        direct.configMaps().inNamespace("ns").resource(configMap("first")).create();
        direct.configMaps().inNamespace("ns").withName("first").delete();

        String added = lines.poll(10, TimeUnit.SECONDS);
        String deleted = lines.poll(10, TimeUnit.SECONDS);
        assertTrue(added != null && added.startsWith("{") && added.contains("\"type\":\"ADDED\"")
                && added.contains("\"name\":\"first\""), String.valueOf(added));
        assertTrue(deleted != null && deleted.contains("\"type\":\"DELETED\""), String.valueOf(deleted));
        response.body().close();
    }

    @Test
    void requestsOtherThanWatchesPassThroughUnchanged() throws Exception {
        try (KubernetesClient viaFront = new KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(frontUrl()).build()).build()) {
            viaFront.configMaps().inNamespace("ns").resource(configMap("app")).create();
            viaFront.configMaps().inNamespace("ns").withName("app").edit(c -> {
                c.getData().put("k", "changed");
                return c;
            });
            assertEquals("changed", direct.configMaps().inNamespace("ns").withName("app").get().getData().get("k"));
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(frontUrl()
                    + "/api/v1/namespaces/ns/configmaps/absent")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode());
        }
    }

    @Test
    void aFabric8ClientWatchesThroughTheFrontByFallingBackToAnHttpWatch() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (KubernetesClient viaFront = new KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(frontUrl()).build()).build();
                Watch watch = viaFront.configMaps().inNamespace("ns").watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                        seen.add(action + " " + resource.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            direct.configMaps().inNamespace("ns").resource(configMap("watched")).create();
            assertEquals("ADDED watched", seen.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void askedForATableAsKubectlAsksItPrintsJobsWithTheirStatus() throws Exception {
        direct.batch().v1().jobs().inNamespace("ns").resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata().withName("broken-1").withNamespace("ns").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("i")
                .endContainer().endSpec().endTemplate().endSpec()
                .withNewStatus().withFailed(1).withStartTime("2026-01-01T00:00:00Z")
                .addNewCondition().withType("Failed").withStatus("True").endCondition().endStatus().build()).create();

        String table = http.send(HttpRequest.newBuilder(URI.create(frontUrl() + "/apis/batch/v1/namespaces/ns/jobs"))
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(table);
        assertEquals("Table", node.path("kind").asText(), table);
        assertEquals(java.util.List.of("Name", "Status", "Completions", "Duration", "Age"),
                node.path("columnDefinitions").findValuesAsText("name"));
        var cells = node.path("rows").get(0).path("cells");
        assertEquals("broken-1", cells.get(0).asText());
        assertEquals("Failed", cells.get(1).asText());
        assertEquals("0/1", cells.get(2).asText());
        assertEquals("ns", node.path("rows").get(0).path("object").path("metadata").path("namespace").asText(),
                "kubectl -A reads the namespace from the row's object");

        String plain = http.send(HttpRequest.newBuilder(URI.create(frontUrl() + "/apis/batch/v1/namespaces/ns/jobs"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(plain.contains("\"items\"") && !plain.contains("Table"), "without the Table header, the list as it is");
    }

    @Test
    void agesReadAsKubectlWritesThem() {
        assertEquals("42s", Tables.human(java.time.Duration.ofSeconds(42)));
        assertEquals("3m12s", Tables.human(java.time.Duration.ofSeconds(192)));
        assertEquals("25m", Tables.human(java.time.Duration.ofMinutes(25)));
        assertEquals("5h3m", Tables.human(java.time.Duration.ofMinutes(303)));
        assertEquals("30h", Tables.human(java.time.Duration.ofHours(30)));
        assertEquals("4d2h", Tables.human(java.time.Duration.ofHours(98)));
        assertEquals("12d", Tables.human(java.time.Duration.ofDays(12)));
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .addToData("k", "v").build();
    }
}
