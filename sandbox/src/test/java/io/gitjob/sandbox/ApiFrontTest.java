package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCrd;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.JobConventions;

/**
 * The sandbox API server as {@link ApiServerMain} puts it together, in this JVM: <b>Fabric8's mock API server</b>
 * (CRUD mode) with the sandbox's dispatcher ({@link SandboxCrudDispatcher}: Fleet's GitRepo status schema, the
 * record of created Jobs), and the front ({@link ApiFront}) before it: watches over a plain HTTP stream, as kubectl
 * and client-go make them, and Fabric8's informers through them; everything else passed through; faults injected
 * on request.
 */
@Timeout(60)
class ApiFrontTest {

    private static final String NS = "ns";
    private static final String GITREPOS = "/apis/fleet.cattle.io/v1alpha1/namespaces/" + NS + "/gitrepos";

    private KubernetesMockServer mock;
    private ApiFront front;
    private KubernetesClient direct;
    private KubernetesClient viaFront;
    private FaultsClient faults;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        startApi(true);
    }

    private void startApi(boolean fleetStatusSchema) throws Exception {
        JobCreations jobCreations = new JobCreations();
        RequestCounts requests = new RequestCounts();
        mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new SandboxCrudDispatcher(fleetStatusSchema, true, jobCreations, requests), false);
        mock.init(InetAddress.getLoopbackAddress(), 0);
        front = ApiFront.start(InetAddress.getLoopbackAddress(), 0,
                URI.create("http://127.0.0.1:" + mock.getPort()), jobCreations, requests);
        direct = mock.createClient();
        direct.apiextensions().v1().customResourceDefinitions().resource(GitRepoCrd.load()).create();
        viaFront = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(frontUrl())
                .withNamespace(NS).build()).build();
        faults = new FaultsClient(URI.create(frontUrl()));
    }

    @AfterEach
    void stop() {
        viaFront.close();
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

    @Test
    void aFabric8ClientWatchesThroughTheFrontByFallingBackToAnHttpWatch() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (Watch watch = viaFront.configMaps().inNamespace("ns").watch(new Watcher<>() {
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

    // --- the services' informers through the front ---

    /** What job-service and the watcher do: informers (list, then an HTTP watch through the front) on GitRepos and Jobs. */
    @Test
    void fabric8InformersThroughTheFrontSeeEveryAddUpdateAndDelete() throws Exception {
        BlockingQueue<String> gitRepoEvents = new LinkedBlockingQueue<>();
        BlockingQueue<String> jobEvents = new LinkedBlockingQueue<>();
        SharedIndexInformer<GitRepo> gitRepos = viaFront.resources(GitRepo.class).inAnyNamespace()
                .inform(recorder(gitRepoEvents), 0);
        SharedIndexInformer<Job> jobs = viaFront.batch().v1().jobs().inAnyNamespace()
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .inform(recorder(jobEvents), 0);
        try {
            direct.resources(GitRepo.class).inNamespace(NS).resource(gitRepo("watched")).create();
            assertEquals("ADDED watched", gitRepoEvents.poll(10, TimeUnit.SECONDS));
            direct.resources(GitRepo.class).inNamespace(NS).withName("watched").edit(g -> {
                g.getSpec().setPaths(List.of("deploy"));
                return g;
            });
            assertEquals("UPDATED watched", gitRepoEvents.poll(10, TimeUnit.SECONDS));
            direct.resources(GitRepo.class).inNamespace(NS).withName("watched").editStatus(g -> {
                g.setStatus(new GitRepoStatus());
                g.getStatus().setPollingCommit("c1");
                return g;
            });
            assertEquals("UPDATED watched", gitRepoEvents.poll(10, TimeUnit.SECONDS));
            direct.resources(GitRepo.class).inNamespace(NS).withName("watched").delete();
            assertEquals("DELETED watched", gitRepoEvents.poll(10, TimeUnit.SECONDS));

            direct.batch().v1().jobs().inNamespace(NS).resource(job("not-ours", false)).create();
            direct.batch().v1().jobs().inNamespace(NS).resource(job("ours", true)).create();
            assertEquals("ADDED ours", jobEvents.poll(10, TimeUnit.SECONDS), "the label selector holds");
            direct.batch().v1().jobs().inNamespace(NS).withName("ours").editStatus(j -> {
                j.setStatus(new JobStatusBuilder().withSucceeded(1).build());
                return j;
            });
            assertEquals("UPDATED ours", jobEvents.poll(10, TimeUnit.SECONDS));
            direct.batch().v1().jobs().inNamespace(NS).withName("ours").delete();
            assertEquals("DELETED ours", jobEvents.poll(10, TimeUnit.SECONDS));
        } finally {
            gitRepos.stop();
            jobs.stop();
        }
    }

    // --- Fleet's GitRepo status schema ---

    @Test
    void aGitRepoStatusWriteKeepsFleetsFieldsAndPrunesEveryOtherAsFleetsCrdDoes() throws Exception {
        viaFront.resources(GitRepo.class).resource(gitRepo("pruned")).create();
        String status = GITREPOS + "/pruned/status";

        // A merge patch, as the services write their fields.
        HttpResponse<String> merged = send("PATCH", frontUrl() + status, "application/merge-patch+json",
                "{\"status\":{\"commit\":\"c1\",\"observedEventTime\":\"2026-01-01T00:00:00Z\",\"foo\":\"bar\","
                        + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"extra\":\"x\"}]}}");
        assertEquals(2, merged.statusCode() / 100, merged.body());
        assertEquals(Set.of("commit", "conditions"), fieldsOf(json.readTree(merged.body()).path("status")),
                "the answer is what was stored");
        JsonNode stored = stored("pruned");
        assertEquals(Set.of("commit", "conditions"), fieldsOf(stored.path("status")));
        assertEquals("c1", stored.path("status").path("commit").asText());
        assertEquals(Set.of("type", "status"), fieldsOf(stored.path("status").path("conditions").get(0)));

        // A JSON patch (RFC 6902): pruned after it is applied.
        HttpResponse<String> patched = send("PATCH", frontUrl() + status, "application/json-patch+json",
                "[{\"op\":\"add\",\"path\":\"/status/pollingCommit\",\"value\":\"c2\"},"
                        + "{\"op\":\"add\",\"path\":\"/status/foo\",\"value\":\"x\"}]");
        assertEquals(2, patched.statusCode() / 100, patched.body());
        assertEquals(Set.of("commit", "conditions", "pollingCommit"), fieldsOf(stored("pruned").path("status")));

        // Fabric8's typed client, with an unknown field as GitRepoStatus would carry one it read.
        GitRepo answered = viaFront.resources(GitRepo.class).withName("pruned").editStatus(g -> {
            g.getStatus().setGitJobStatus("Current");
            g.getStatus().setAdditionalProperty("observedEventTime", "2026-01-01T00:00:00Z");
            return g;
        });
        assertEquals("Current", answered.getStatus().getGitJobStatus());
        assertEquals(Map.of(), answered.getStatus().getAdditionalProperties());
        assertEquals(Set.of("commit", "conditions", "pollingCommit", "gitJobStatus"),
                fieldsOf(stored("pruned").path("status")));

        // A write whose only change is pruned stores nothing: no new resourceVersion, as for any write that
        // changes nothing.
        String version = stored("pruned").path("metadata").path("resourceVersion").asText();
        HttpResponse<String> nothing = send("PATCH", frontUrl() + status, "application/merge-patch+json",
                "{\"status\":{\"foo\":\"again\"}}");
        assertEquals(version, json.readTree(nothing.body()).path("metadata").path("resourceVersion").asText());
        assertEquals(version, stored("pruned").path("metadata").path("resourceVersion").asText());
    }

    @Test
    void withStatusPruningOffEveryStatusFieldIsKeptAsWithGitjobsOwnCrd() throws Exception {
        stop();
        startApi(false);
        viaFront.resources(GitRepo.class).resource(gitRepo("kept")).create();
        send("PATCH", frontUrl() + GITREPOS + "/kept/status", "application/merge-patch+json",
                "{\"status\":{\"commit\":\"c1\",\"observedEventTime\":\"2026-01-01T00:00:00Z\"}}");
        assertEquals(Set.of("commit", "observedEventTime"), fieldsOf(stored("kept").path("status")));
    }

    // --- fault injection ---

    /**
     * Deletion as an API server does it, which gitjob's finalizer handling relies on: a GitRepo with finalizers is
     * only marked (deletionTimestamp, a MODIFIED event), stays while any finalizer is left, and goes (a DELETED
     * event) when a patch removes the last one; one without finalizers goes at once.
     */
    @Test
    void aGitRepoWithFinalizersIsMarkedOnDeleteAndGoesWhenItsLastFinalizerIsRemoved() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Watch watch = viaFront.resources(GitRepo.class).inNamespace(NS).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GitRepo resource) {
                events.add(action + " " + resource.getMetadata().getName() + " "
                        + (resource.getMetadata().getDeletionTimestamp() != null));
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        });
        try {
            GitRepo fleets = gitRepo("fleets");
            fleets.getMetadata().setFinalizers(List.of(io.gitjob.gitrepo.FleetConventions.GITREPO_FINALIZER,
                    "other.example.com/keep"));
            viaFront.resources(GitRepo.class).resource(fleets).create();
            assertEquals("ADDED fleets false", events.poll(10, TimeUnit.SECONDS));

            viaFront.resources(GitRepo.class).inNamespace(NS).withName("fleets").delete();
            GitRepo marked = viaFront.resources(GitRepo.class).inNamespace(NS).withName("fleets").get();
            assertNotNull(marked, "kept while it has finalizers");
            assertNotNull(marked.getMetadata().getDeletionTimestamp());
            assertEquals("MODIFIED fleets true", events.poll(10, TimeUnit.SECONDS));

            viaFront.resources(GitRepo.class).inNamespace(NS).withName("fleets").edit(g -> {
                g.getMetadata().setFinalizers(List.of("other.example.com/keep"));
                return g;
            });
            assertNotNull(viaFront.resources(GitRepo.class).inNamespace(NS).withName("fleets").get(),
                    "one finalizer is left");
            assertEquals("MODIFIED fleets true", events.poll(10, TimeUnit.SECONDS));
            viaFront.resources(GitRepo.class).inNamespace(NS).withName("fleets").edit(g -> {
                g.getMetadata().setFinalizers(List.of());
                return g;
            });
            assertNull(viaFront.resources(GitRepo.class).inNamespace(NS).withName("fleets").get());
            assertEquals("DELETED fleets true", events.poll(10, TimeUnit.SECONDS));

            viaFront.resources(GitRepo.class).resource(gitRepo("plain")).create();
            viaFront.resources(GitRepo.class).inNamespace(NS).withName("plain").delete();
            assertNull(viaFront.resources(GitRepo.class).inNamespace(NS).withName("plain").get());
        } finally {
            watch.close();
        }
    }

    /** job-service tells fleet mode from discovery: Fleet's Bundles are listed only when the cluster has Fleet. */
    @Test
    void discoveryListsFleetsBundlesOnlyWhenFleetIsInstalled() {
        var withFleet = viaFront.getApiResources(io.gitjob.gitrepo.FleetConventions.API_VERSION).getResources()
                .stream().map(r -> r.getName()).toList();
        assertTrue(withFleet.containsAll(List.of("gitrepos", "bundles", "bundledeployments", "imagescans")),
                withFleet.toString());
        var without = Discovery.document("/apis/fleet.cattle.io/v1alpha1", false).orElseThrow();
        assertTrue(without.contains("\"gitrepos\"") && !without.contains("bundles"), without);
    }

    @Test
    void aShareOfRequestsIsAnswered429WithRetryAfterAsTheSeedDraws() throws Exception {
        direct.configMaps().inNamespace(NS).resource(configMap("app")).create();
        long seed = 7;
        double share = 0.3;
        FaultRule rule = FaultRule.tooManyRequests(share).onVerbs("list").onResources("configmaps");
        faults.plan(seed, rule);
        List<HttpResponse<String>> answers = listConfigMaps(200);

        // One draw of the seeded Random per matching request, in order.
        Random draws = new Random(seed);
        List<Integer> drawn = IntStream.range(0, 200).mapToObj(i -> draws.nextDouble() < share ? 429 : 200).toList();
        List<Integer> codes = answers.stream().map(HttpResponse::statusCode).toList();
        assertEquals(drawn, codes);
        long throttled = codes.stream().filter(c -> c == 429).count();
        assertTrue(throttled > 40 && throttled < 80, "about 30 % of 200: " + throttled);
        assertEquals(throttled, faults.injected().get(FaultRule.TOO_MANY_REQUESTS));

        HttpResponse<String> one = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertEquals("1", one.headers().firstValue("Retry-After").orElse(null));
        JsonNode status = json.readTree(one.body());
        assertEquals("Status", status.path("kind").asText());
        assertEquals("TooManyRequests", status.path("reason").asText());

        // Other verbs are left alone; the same seed again gives the same answers.
        for (int i = 0; i < 20; i++) {
            assertEquals(200, get(frontUrl() + "/api/v1/namespaces/ns/configmaps/app").statusCode());
        }
        faults.plan(seed, rule);
        assertEquals(drawn, listConfigMaps(200).stream().map(HttpResponse::statusCode).toList());
    }

    @Test
    void aServerErrorRuleAnswers500ToTheVerbsItNamesAndTheWriteDoesNotHappen() throws Exception {
        faults.plan(1, FaultRule.serverError(1.0).onVerbs("create"));
        HttpResponse<String> create = send("POST", frontUrl() + "/api/v1/namespaces/ns/configmaps",
                "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
        assertEquals(500, create.statusCode());
        assertEquals("InternalError", json.readTree(create.body()).path("reason").asText());
        assertNull(direct.configMaps().inNamespace(NS).withName("x").get());
        assertEquals(200, get(frontUrl() + "/api/v1/namespaces/ns/configmaps").statusCode());
        assertEquals(1L, faults.injected().get(FaultRule.SERVER_ERROR));
    }

    @Test
    void aHangHoldsTheRequestPastTheClientsTimeoutThenDropsTheConnection() throws Exception {
        Duration hold = Duration.ofMillis(1500);
        faults.plan(1, FaultRule.hang(1.0, hold).onResources("configmaps"));
        URI list = URI.create(frontUrl() + "/api/v1/namespaces/ns/configmaps");

        assertThrows(HttpTimeoutException.class, () -> http.send(HttpRequest.newBuilder(list)
                .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString()));
        long started = System.nanoTime();
        IOException dropped = assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(list).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertFalse(dropped instanceof HttpTimeoutException, "no answer at all: " + dropped);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(hold.minusMillis(100)) >= 0,
                "held for the hold first");
        assertTrue(faults.injected().get(FaultRule.HANG) >= 2);

        // Applied: the write reaches the API server, only its answer is lost.
        faults.plan(2, FaultRule.hang(1.0, Duration.ofMillis(300)).onVerbs("create").appliedFirst());
        assertThrows(IOException.class, () -> send("POST", list.toString(), "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"written\"}}"));
        assertNotNull(direct.configMaps().inNamespace(NS).withName("written").get());
    }

    @Test
    void whileFrozenEveryRequestAndWatchEventWaitsAndGoesOnWhenThawed() throws Exception {
        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(
                URI.create(frontUrl() + "/api/v1/namespaces/ns/configmaps?watch=true")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BlockingQueue<String> events = lines(watch.body());

        faults.freeze();
        CompletableFuture<HttpResponse<String>> held = http.sendAsync(HttpRequest.newBuilder(
                URI.create(frontUrl() + "/api/v1/namespaces/ns/configmaps")).build(), HttpResponse.BodyHandlers.ofString());
        direct.configMaps().inNamespace(NS).resource(configMap("during")).create(); // the mock itself is not frozen
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> !held.isDone() && events.isEmpty());

        faults.thaw();
        assertEquals(200, held.get(10, TimeUnit.SECONDS).statusCode());
        String event = events.poll(10, TimeUnit.SECONDS);
        assertTrue(event != null && event.contains("\"ADDED\"") && event.contains("\"during\""), event);
        assertTrue(faults.injected().get(FaultInjector.FROZEN) >= 1);
        watch.body().close();
    }

    @Test
    void aFaultPlanIsTakenAsJsonWithDefaultsAndOneThatIsNotIsRefused() throws Exception {
        HttpResponse<String> taken = send("PUT", frontUrl() + "/_faults", "application/json",
                "{\"seed\":3,\"rules\":[{\"kind\":\"hang\",\"share\":0.5,\"applied\":true}]}");
        assertEquals(200, taken.statusCode(), taken.body());
        JsonNode rule = json.readTree(taken.body()).path("rules").get(0);
        assertEquals(FaultRule.DEFAULT_HOLD_MILLIS, rule.path("holdMillis").asLong());
        assertTrue(rule.path("applied").asBoolean());
        assertEquals(List.of(), List.copyOf(json.convertValue(rule.path("verbs"), List.class)));

        faults.clear();
        HttpResponse<String> refused = send("PUT", frontUrl() + "/_faults", "application/json",
                "{\"seed\":1,\"rules\":[{\"kind\":\"418\",\"share\":0.5}]}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(List.of(), new ObjectMapper().readTree(get(frontUrl() + "/_faults").body()).path("rules")
                .findValuesAsText("kind"));
    }

    // --- the record of created Jobs ---

    @Test
    void everyJobTheApiServerCreatesIsRecordedSoASecondCreationOfANameShows() {
        viaFront.batch().v1().jobs().resource(job("twice", true)).create();
        String first = viaFront.batch().v1().jobs().withName("twice").get().getMetadata().getUid();
        viaFront.batch().v1().jobs().withName("twice").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> direct.batch().v1().jobs().inNamespace(NS)
                .withName("twice").get() == null);
        direct.batch().v1().jobs().inNamespace(NS).resource(job("twice", true)).create();

        List<JobCreations.Created> created = faults.jobCreations();
        assertEquals(List.of("twice", "twice"), created.stream().map(JobCreations.Created::name).toList());
        assertEquals(first, created.get(0).uid());
        assertNotEquals(created.get(0).uid(), created.get(1).uid());
        assertEquals("g", created.get(0).gitRepo());
        assertEquals("abc", created.get(0).commit());
    }

    @Test
    void everyRequestIsCountedByClientVerbAndResourceAndAWatchOnceWhenOpened() throws Exception {
        faults.resetRequests(); // the CRD the set-up created
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (KubernetesClient service = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(frontUrl()).withNamespace(NS).withUserAgent("gitjob-job-service").build()).build();
                KubernetesClient sandboxPart = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + mock.getPort()).withNamespace(NS)
                        .withUserAgent(RequestCounts.SANDBOX_AGENT_PREFIX + "-job-runner").build()).build();
                Watch watch = service.resources(GitRepo.class).watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GitRepo resource) {
                        seen.add(action + " " + resource.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            GitRepo created = service.resources(GitRepo.class).resource(gitRepo("counted")).create();
            assertEquals("ADDED counted", seen.poll(10, TimeUnit.SECONDS));
            service.resources(GitRepo.class).withName("counted").get();
            service.resources(GitRepo.class).list();
            created.setStatus(new GitRepoStatus());
            created.getStatus().setCommit("abc");
            service.resources(GitRepo.class).resource(created).updateStatus();
            assertEquals("MODIFIED counted", seen.poll(10, TimeUnit.SECONDS));
            sandboxPart.batch().v1().jobs().resource(job("runner-job", true)).create();
            HttpResponse<String> kubectl = http.send(HttpRequest.newBuilder(URI.create(frontUrl() + GITREPOS))
                    .header("User-Agent", "kubectl/v1.30.0 (linux/amd64) kubernetes/abc").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, kubectl.statusCode());

            Map<String, Map<String, Long>> counts = faults.requestsByClient();
            assertEquals(Map.of("create gitrepos", 1L, "get gitrepos", 1L, "list gitrepos", 1L,
                    "update gitrepos/status", 1L, "watch gitrepos", 1L), counts.get("gitjob-job-service"),
                    "the watch's refused WebSocket attempt and its events are not requests of their own");
            assertEquals(Map.of("create jobs", 1L), counts.get("gitjob-sandbox-job-runner"));
            assertEquals(Map.of("list gitrepos", 1L), counts.get("kubectl"));
            assertEquals(Set.of("gitjob-job-service", "gitjob-sandbox-job-runner", "kubectl"), counts.keySet(),
                    "what the front forwards is not counted again by the mock");
        }
        faults.resetRequests();
        assertEquals(Map.of(), faults.requestsByClient());
    }

    @Test
    void aClientIsNamedByItsUserAgent() {
        assertEquals("gitjob-watcher-service-shard-a", RequestCounts.client("gitjob-watcher-service-shard-a"));
        assertEquals("fabric8-kubernetes-client", RequestCounts.client("fabric8-kubernetes-client/7.6.1"));
        assertEquals(RequestCounts.UNKNOWN, RequestCounts.client(null));
    }

    // --- helpers ---

    private static <T extends HasMetadata> ResourceEventHandler<T> recorder(BlockingQueue<String> events) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                events.add("ADDED " + resource.getMetadata().getName());
            }

            @Override
            public void onUpdate(T old, T resource) {
                events.add("UPDATED " + resource.getMetadata().getName());
            }

            @Override
            public void onDelete(T resource, boolean unknownFinalState) {
                events.add("DELETED " + resource.getMetadata().getName());
            }
        };
    }

    private static GitRepo gitRepo(String name) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://example.invalid/" + name + ".git");
        gitRepo.setSpec(spec);
        return gitRepo;
    }

    private static Job job(String name, boolean gitjobs) {
        var metadata = new ObjectMetaBuilder().withName(name).withNamespace(NS);
        if (gitjobs) {
            metadata.addToLabels(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                    .addToLabels(JobConventions.GITREPO_LABEL, "g")
                    .addToAnnotations(JobConventions.COMMIT_ANNOTATION, "abc");
        }
        return new JobBuilder().withMetadata(metadata.build()).withNewSpec().withNewTemplate().withNewSpec()
                .addNewContainer().withName("c").withImage("i").endContainer().endSpec().endTemplate().endSpec()
                .build();
    }

    /** The GitRepo as the mock stores it (read from the mock itself, not through the front). */
    private JsonNode stored(String name) throws Exception {
        HttpResponse<String> response = get("http://127.0.0.1:" + mock.getPort() + GITREPOS + "/" + name);
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    private static Set<String> fieldsOf(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private List<HttpResponse<String>> listConfigMaps(int times) throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(get(frontUrl() + "/api/v1/namespaces/ns/configmaps"));
        }
        return answers;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String url, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Each line of a streamed body, as it comes. */
    private static BlockingQueue<String> lines(InputStream body) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (Exception e) {
                // the test ended the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .addToData("k", "v").build();
    }
}
