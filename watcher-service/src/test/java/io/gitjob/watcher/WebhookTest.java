package io.gitjob.watcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoEvent.CommitDetected;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.watcher.webhook.Signatures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Each provider's push, in its real payload shape and signed by its scheme, sent over HTTP to the running
 * watcher. The GitRepos live in Fabric8's mock API server (CRUD mode), standing in for a cluster, with their
 * webhook Secrets; their repositories are served by JGit over HTTP, so the poll a webhook triggers resolves a
 * real head and publishes to a real broker. GitRepos have polling disabled: a commit they publish after their
 * first check came from a webhook's poll. The global Secret holds every provider's key but GitHub's, which comes
 * from the test profile's {@code gitjob.webhook.github-secret} fallback.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class WebhookTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NONE = "ffffffffffffffffffffffffffffffffffffffff";

    /** The secrets of the global Secret (GitHub's is the fallback setting of the test profile). */
    static final Map<String, String> GLOBAL = Map.of("github", "test-github-secret", "gitlab", "global-gitlab-token",
            "bitbucket", "5b6a8e2c-6d1f-4c1e-9b53-0c6f2b0f0a11", "bitbucket-server", "global-bitbucket-server",
            "gogs", "global-gogs", "azure-username", "azure-hook", "azure-password", "global-azure-password");

    private static Path repos;
    private static TestGitServer gitServer;

    @Inject
    KubernetesClient client;

    @io.quarkus.test.kubernetes.client.KubernetesTestServer
    io.quarkus.test.kubernetes.client.KubernetesServer mockServer;

    @TestHTTPResource("/")
    URI webhook;

    /** Relative to the management interface's root path, /q. */
    @TestHTTPResource(value = "/health/live", management = true)
    URI managementHealth;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void servers() {
        repos = TestGit.tempDir();
        gitServer = new TestGitServer(repos);
    }

    @AfterAll
    static void stopServers() {
        gitServer.close();
    }

    @BeforeEach
    void globalSecret() {
        Map<String, String> data = new java.util.HashMap<>(GLOBAL);
        data.remove("github");
        client.resource(new SecretBuilder().withNewMetadata().withNamespace("cattle-fleet-system")
                .withName("gitjob-webhook").endMetadata().withStringData(data).build()).createOr(c -> c.update());
    }

    enum Provider {
        GITHUB, GITLAB, BITBUCKET, BITBUCKET_SERVER, GOGS, AZURE_DEVOPS
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aVerifiedPushPollsTheHeadAForgedOneIsRefusedAndAReplayMovesNothingBack(Provider provider) throws Exception {
        String name = "hook-" + provider.name().toLowerCase().replace('_', '-');
        try (var repo = TestGit.create(repos, name); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            String url = gitServer.url(name);
            client.resource(TestSupport.gitRepo(name, url, s -> {
                s.setBranch("main");
                s.setDisablePolling(true);
            })).create();
            String first = repo.head();
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals(name) && e.commit().equals(first),
                    WAIT);

            String second = repo.commit("second");
            Delivery pushed = delivery(provider, url, "main", second, GLOBAL);
            HttpResponse<String> ok = send(pushed);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("{\"gitRepos\":[\"fleet-local/" + name + "\"]}", ok.body());
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals(name) && e.commit().equals(second),
                    WAIT);
            GitRepoStatus status = TestSupport.get(client, name).getStatus();
            assertEquals(second, status.getWebhookCommit());
            assertNotNull(Instant.parse(status.getLastWebhookTime()));

            Map<String, String> wrong = new java.util.HashMap<>();
            GLOBAL.forEach((k, v) -> wrong.put(k, k.equals("azure-username") ? v : v + "-forged"));
            HttpResponse<String> forged = send(delivery(provider, url, "main", NONE, wrong));
            assertEquals(401, forged.statusCode(), forged.body());
            assertEquals(second, TestSupport.get(client, name).getStatus().getWebhookCommit(), "nothing recorded");

            String third = repo.commit("third");
            assertEquals(200, send(delivery(provider, url, "main", third, GLOBAL)).statusCode());
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals(name) && e.commit().equals(third),
                    WAIT);

            // A signed delivery naming a commit the branch does not point at: recorded, never published.
            Instant madeUp = Instant.now();
            assertEquals(200, send(delivery(provider, url, "main", NONE, GLOBAL)).statusCode());
            await().atMost(WAIT).until(() -> NONE.equals(TestSupport.get(client, name).getStatus()
                    .getWebhookCommit()));
            await().atMost(WAIT).until(() -> polledAfter(name, madeUp));

            // An old delivery, signed and valid, delivered again after the branch moved on: recorded as Fleet
            // records it, and the poll it triggers finds the head, which stays.
            Instant replayed = Instant.now();
            HttpResponse<String> replay = send(pushed);
            assertEquals(200, replay.statusCode(), replay.body());
            await().atMost(WAIT).until(() -> second.equals(TestSupport.get(client, name).getStatus()
                    .getWebhookCommit()));
            await().atMost(WAIT).until(() -> polledAfter(name, replayed));
            assertEquals(third, TestSupport.get(client, name).getStatus().getPollingCommit());
            List<String> published = TestSupport.eventsUpToNow(kafka, events, "fleet-local/" + name).stream()
                    .filter(CommitDetected.class::isInstance).map(e -> ((CommitDetected) e).commit()).toList();
            assertEquals(List.of(first, second, third), published, "no forged, replayed or payload commit published");
        }
    }

    /**
     * The API server refusing the webhook's record (injected at the mock, which on its own never refuses): the sender
     * gets a 500, so it delivers again, nothing is recorded or polled meanwhile, and the next delivery goes through.
     */
    @Test
    void aWebhookTheApiServerRefusesToRecordIsAnswered500AndItsRedeliveryWorks() throws Exception {
        try (var repo = TestGit.create(repos, "refused"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            String url = gitServer.url("refused");
            client.resource(TestSupport.gitRepo("refused", url, s -> s.setDisablePolling(true))).create();
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("refused"), WAIT);
            // The one check's own status writes done (GitPolling last): the refusal is for the webhook's record.
            await().atMost(WAIT).until(() -> TestSupport.gitPolling(client, "refused") != null);
            String second = repo.commit("second");

            mockServer.expect().patch()
                    .withPath("/apis/fleet.cattle.io/v1alpha1/namespaces/" + TestSupport.NAMESPACE
                            + "/gitrepos/refused/status")
                    .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"injected\"}").once();
            HttpResponse<String> refused = send(delivery(Provider.GITHUB, url, "main", second, GLOBAL));
            assertEquals(500, refused.statusCode(), refused.body());
            assertNull(TestSupport.get(client, "refused").getStatus().getWebhookCommit());

            HttpResponse<String> again = send(delivery(Provider.GITHUB, url, "main", second, GLOBAL));
            assertEquals(200, again.statusCode(), again.body());
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("refused")
                    && e.commit().equals(second), WAIT);
            assertEquals(second, TestSupport.get(client, "refused").getStatus().getWebhookCommit());
        }
    }

    @Test
    void aGitRepoWithItsOwnWebhookSecretIsTriggeredOnlyByThatSecret() throws Exception {
        try (var repo = TestGit.create(repos, "own-secret"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            String url = gitServer.url("own-secret");
            client.resource(new SecretBuilder().withNewMetadata().withNamespace(TestSupport.NAMESPACE)
                    .withName("own-hook").endMetadata().withStringData(Map.of("github", "own-github-secret")).build())
                    .create();
            client.resource(TestSupport.gitRepo("own", url, s -> {
                s.setDisablePolling(true);
                s.setWebhookSecret("own-hook");
            })).create();
            client.resource(TestSupport.gitRepo("shared", url, s -> s.setDisablePolling(true))).create();
            for (String name : List.of("own", "shared")) {
                events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals(name), WAIT);
            }

            String second = repo.commit("second");
            HttpResponse<String> global = send(delivery(Provider.GITHUB, url, "main", second, GLOBAL));
            assertEquals(200, global.statusCode(), global.body());
            assertEquals("{\"gitRepos\":[\"fleet-local/shared\"]}", global.body());
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("shared")
                    && e.commit().equals(second), WAIT);
            assertNull(TestSupport.get(client, "own").getStatus().getWebhookCommit(), "the global secret is not its own");

            HttpResponse<String> own = send(delivery(Provider.GITHUB, url, "main", second,
                    Map.of("github", "own-github-secret")));
            assertEquals(200, own.statusCode(), own.body());
            assertEquals("{\"gitRepos\":[\"fleet-local/own\"]}", own.body());
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("own")
                    && e.commit().equals(second), WAIT);
            assertEquals(second, TestSupport.get(client, "own").getStatus().getWebhookCommit());

            client.resource(TestSupport.gitRepo("own-missing", url, s -> s.setWebhookSecret("not-there"))).create();
            await().atMost(WAIT).until(() -> TestSupport.get(client, "own-missing") != null);
            HttpResponse<String> forOwnOnly = send(delivery(Provider.GITLAB, url, "main", second, GLOBAL));
            assertEquals(200, forOwnOnly.statusCode(), "shared verifies with the global token");
            assertEquals("{\"gitRepos\":[\"fleet-local/shared\"]}", forOwnOnly.body(),
                    "a GitRepo whose own Secret is missing is verified by nothing");
        }
    }

    @Test
    void otherRequestsAreAnsweredWithoutEffectAndQIsOnlyOnTheManagementPort() throws Exception {
        HttpResponse<String> unknown = send(delivery(Provider.GITHUB, "https://github.com/example/nobody-watches",
                "main", NONE, GLOBAL));
        assertEquals(200, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("\"gitRepos\":[]"), unknown.body());

        assertEquals(200, post("{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8), "X-GitHub-Event", "ping")
                .statusCode(), "GitHub's ping");
        HttpResponse<String> issue = post("{}".getBytes(StandardCharsets.UTF_8), "X-GitHub-Event", "issues");
        assertEquals(200, issue.statusCode());
        assertTrue(issue.body().contains("not a push"), issue.body());

        byte[] huge = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertEquals(413, post(huge, "X-GitHub-Event", "push", "X-Hub-Signature-256",
                "sha256=" + HexFormat.of().formatHex(Signatures.hmacSha256("test-github-secret", huge))).statusCode());
        assertEquals(400, post("{}".getBytes(StandardCharsets.UTF_8), "X-Anything", "x").statusCode());
        assertEquals(400, post("not json".getBytes(StandardCharsets.UTF_8), "X-Gitlab-Event", "Push Hook")
                .statusCode());

        assertNotEquals(webhook.getPort(), managementHealth.getPort());
        assertEquals(200, http.send(HttpRequest.newBuilder(managementHealth).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), managementHealth.toString());
        // The webhook port takes POSTs only: any other method is answered 405.
        assertEquals(405, http.send(HttpRequest.newBuilder(webhook.resolve("/q/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the webhook port serves no /q/*");
    }

    private boolean polledAfter(String name, Instant at) {
        GitRepoStatus status = TestSupport.get(client, name).getStatus();
        return status != null && status.getLastPollingTriggered() != null
                && Instant.parse(status.getLastPollingTriggered()).isAfter(at);
    }

    /** One webhook request: its headers (name, value, ...) and body. */
    record Delivery(List<String> headers, byte[] body) {
    }

    /** A push of {@code commit} to {@code branch} of the repository at {@code url}, as each provider sends it. */
    static Delivery delivery(Provider provider, String url, String branch, String commit, Map<String, String> keys) {
        String before = "0123456789abcdef0123456789abcdef01234567";
        List<String> headers = new ArrayList<>();
        String body;
        switch (provider) {
            case GITHUB -> {
                body = """
                        {"ref":"refs/heads/%s","before":"%s","after":"%s","created":false,"deleted":false,
                         "repository":{"id":1296269,"name":"hooked","full_name":"example/hooked","private":false,
                          "html_url":"%s","clone_url":"%s.git","default_branch":"main"},
                         "pusher":{"name":"someone","email":"someone@example.com"},
                         "head_commit":{"id":"%s","message":"change"}}""".formatted(branch, before, commit, url,
                        url, commit);
                headers.addAll(List.of("X-GitHub-Event", "push", "X-GitHub-Delivery",
                        "72d3162e-cc78-11e3-81ab-4c9367dc0958", "X-Hub-Signature-256",
                        "sha256=" + hmac(keys.get("github"), body)));
            }
            case GITLAB -> {
                body = """
                        {"object_kind":"push","event_name":"push","before":"%s","after":"%s","ref":"refs/heads/%s",
                         "checkout_sha":"%s","user_username":"someone","project_id":15,
                         "project":{"id":15,"name":"hooked","web_url":"%s","git_http_url":"%s.git",
                          "path_with_namespace":"example/hooked","default_branch":"main"},
                         "commits":[{"id":"%s","message":"change"}],"total_commits_count":1,
                         "repository":{"name":"hooked","homepage":"%s"}}""".formatted(before, commit, branch, commit,
                        url, url, commit, url);
                headers.addAll(List.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", keys.get("gitlab")));
            }
            case BITBUCKET -> {
                body = """
                        {"push":{"changes":[{"new":{"type":"branch","name":"%s","target":{"type":"commit","hash":"%s"}},
                          "old":{"type":"branch","name":"%s","target":{"type":"commit","hash":"%s"}},
                          "created":false,"forced":false,"closed":false}]},
                         "repository":{"type":"repository","name":"hooked","full_name":"example/hooked",
                          "links":{"html":{"href":"%s"}},"uuid":"{8c4bd5a8-33c0-4a3e-b1d9-0d2bb1c3e7a1}"},
                         "actor":{"display_name":"Someone"}}""".formatted(branch, commit, branch, before, url);
                headers.addAll(List.of("X-Event-Key", "repo:push", "X-Hook-UUID", keys.get("bitbucket"),
                        "X-Request-UUID", "afc5ab81-0f5c-4f4e-9c35-3d4f0dc1f5b3"));
            }
            case BITBUCKET_SERVER -> {
                body = """
                        {"eventKey":"repo:refs_changed","date":"2026-12-01T10:00:00+0000",
                         "actor":{"name":"someone","displayName":"Someone"},
                         "repository":{"slug":"hooked","name":"hooked","project":{"key":"EX"},
                          "links":{"clone":[{"href":"%s.git","name":"http"},
                           {"href":"ssh://git@bitbucket.example:7999/ex/other.git","name":"ssh"}],
                           "self":[{"href":"%s/browse"}]}},
                         "changes":[{"ref":{"id":"refs/heads/%s","displayId":"%s","type":"BRANCH"},
                          "refId":"refs/heads/%s","fromHash":"%s","toHash":"%s","type":"UPDATE"}]}"""
                        .formatted(url, url, branch, branch, branch, before, commit);
                headers.addAll(List.of("X-Event-Key", "repo:refs_changed", "X-Request-Id",
                        "d8b5e8f4-2b6a-4a43-9d0a-7f1c2e3a4b5c", "X-Hub-Signature",
                        "sha256=" + hmac(keys.get("bitbucket-server"), body)));
            }
            case GOGS -> {
                body = """
                        {"ref":"refs/heads/%s","before":"%s","after":"%s","compare_url":"%s/compare/a...b",
                         "commits":[{"id":"%s","message":"change"}],
                         "repository":{"id":1,"name":"hooked","full_name":"example/hooked","html_url":"%s",
                          "clone_url":"%s.git","default_branch":"main"},
                         "pusher":{"username":"someone"},"sender":{"username":"someone"}}""".formatted(branch, before,
                        commit, url, commit, url, url);
                // Gogs sends GitHub's event header too, with no GitHub signature.
                headers.addAll(List.of("X-Gogs-Event", "push", "X-GitHub-Event", "push", "X-Gogs-Delivery",
                        "f6266f16-1bf3-46a5-9ea4-602e06ead473", "X-Gogs-Signature", hmac(keys.get("gogs"), body)));
            }
            case AZURE_DEVOPS -> {
                body = """
                        {"subscriptionId":"00000000-0000-0000-0000-000000000000","notificationId":3,
                         "id":"03c164c2-8912-4d5e-8009-3707d5f83734","eventType":"git.push","publisherId":"tfs",
                         "message":{"text":"Someone pushed updates to hooked:%s."},
                         "resource":{"refUpdates":[{"name":"refs/heads/%s","oldObjectId":"%s","newObjectId":"%s"}],
                          "repository":{"id":"278d5cd2-584d-4b63-824a-2ba458937249","name":"hooked",
                           "url":"https://dev.azure.com/example/_apis/git/repositories/278d5cd2","remoteUrl":"%s"},
                          "pushId":14,"date":"2026-12-01T10:00:00Z"},
                         "resourceVersion":"1.0"}""".formatted(branch, branch, before, commit, url);
                String basic = Base64.getEncoder().encodeToString((keys.get("azure-username") + ":"
                        + keys.get("azure-password")).getBytes(StandardCharsets.UTF_8));
                headers.addAll(List.of("X-Vss-ActivityId", "5f0f1d0e-8a1b-4c2d-9e3f-0a1b2c3d4e5f",
                        "X-Vss-SubscriptionId", "00000000-0000-0000-0000-000000000000", "Authorization",
                        "Basic " + basic));
            }
            default -> throw new IllegalArgumentException(provider.name());
        }
        return new Delivery(headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(String secret, String body) {
        return HexFormat.of().formatHex(Signatures.hmacSha256(Objects.requireNonNull(secret),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(Delivery delivery) throws Exception {
        return post(delivery.body(), delivery.headers().toArray(String[]::new));
    }

    private HttpResponse<String> post(byte[] body, String... headers) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(webhook).headers(headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String gitHubPush(String cloneUrl, String branch, String commit) {
        return """
                {"ref":"refs/heads/%s","before":"0000000000000000000000000000000000000001","after":"%s",
                 "repository":{"full_name":"example/hooked","html_url":"%s","default_branch":"main"},
                 "pusher":{"name":"someone"}}""".formatted(branch, commit, cloneUrl);
    }
}
