package io.gitjob.watcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoEvent.CommitDetected;
import io.gitjob.events.Topics;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.watcher.webhook.Signatures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * GitHub and GitLab pushes sent over HTTP to the running watcher, which publishes to a real broker; the
 * GitRepo lives in Fabric8's mock API server (CRUD mode). The test profile sets the webhook secrets.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class WebhookTest {

    private static final String GITHUB_SECRET = "test-github-secret";
    private static final String GITLAB_TOKEN = "test-gitlab-token";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/webhook")
    URI webhook;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void validPushesPublishAtOnceEvenWithPollingDisabledAndBadSignaturesAreRejected() throws Exception {
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            client.resource(TestSupport.gitRepo("hooked", "https://github.com/example/Hooked.git", s -> {
                s.setBranch("main");
                s.setDisablePolling(true);
            })).create();
            events.awaitEvent(GitRepoEvent.Added.class, e -> e.gitRepo().name().equals("hooked"), WAIT);

            String first = "1111111111111111111111111111111111111111";
            HttpResponse<String> ok = gitHub(gitHubPush("https://github.com/example/hooked.git", "main", first),
                    GITHUB_SECRET);
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("fleet-local/hooked"), ok.body());
            CommitDetected detected = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("hooked"), WAIT);
            assertEquals(first, detected.commit());
            assertEquals(GitRepoEvent.CommitSource.WEBHOOK, detected.source());
            assertEquals("main", detected.branch());
            // and recorded on the GitRepo as Fleet does once it sees a pushed commit
            await().atMost(WAIT).until(() -> TestSupport.kubernetesEvents(client, "hooked", "GotNewCommit").stream()
                    .anyMatch(e -> first.equals(e.getNote()) && "GetNewCommit".equals(e.getAction())));

            String forged = "2222222222222222222222222222222222222222";
            assertEquals(401, gitHub(gitHubPush("https://github.com/example/hooked.git", "main", forged),
                    "not-the-secret").statusCode());
            assertEquals(401, gitLab(gitLabPush("git@github.com:example/hooked.git", "main", forged),
                    "not-the-token").statusCode());

            String second = "3333333333333333333333333333333333333333";
            HttpResponse<String> viaGitLab = gitLab(gitLabPush("git@github.com:example/hooked.git", "main", second),
                    GITLAB_TOKEN);
            assertEquals(200, viaGitLab.statusCode(), viaGitLab.body());
            CommitDetected fromGitLab = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("hooked") && e.commit().equals(second), WAIT);
            assertEquals(first, fromGitLab.previousCommit());

            // The same push again is no news; another branch is not this GitRepo's.
            assertEquals(200, gitLab(gitLabPush("git@github.com:example/hooked.git", "main", second), GITLAB_TOKEN)
                    .statusCode());
            assertEquals(202, gitHub(gitHubPush("https://github.com/example/hooked.git", "dev", forged),
                    GITHUB_SECRET).statusCode());

            List<GitRepoEvent> all = TestSupport.eventsUpToNow(kafka, events, "fleet-local/hooked");
            assertEquals(List.of(first, second), all.stream().filter(CommitDetected.class::isInstance)
                    .map(e -> ((CommitDetected) e).commit()).toList(), "the forged commit must not be published");
        }
    }

    @Test
    void unknownReposAreAcceptedWithoutEffectAndOversizedBodiesRefused() throws Exception {
        HttpResponse<String> unknown = gitHub(gitHubPush("https://github.com/example/nobody-watches.git", "main",
                "4444444444444444444444444444444444444444"), GITHUB_SECRET);
        assertEquals(202, unknown.statusCode(), unknown.body());
        assertEquals("{\"gitRepos\":[]}", unknown.body());

        byte[] huge = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertEquals(413, post(huge, "X-GitHub-Event", "push", "X-Hub-Signature-256",
                "sha256=" + HexFormat.of().formatHex(Signatures.hmacSha256(GITHUB_SECRET, huge))).statusCode());

        assertEquals(400, post("{}".getBytes(StandardCharsets.UTF_8), "X-Anything", "x").statusCode());
    }

    private HttpResponse<String> gitHub(String body, String secret) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return post(bytes, "X-GitHub-Event", "push", "X-Hub-Signature-256",
                "sha256=" + HexFormat.of().formatHex(Signatures.hmacSha256(secret, bytes)));
    }

    private HttpResponse<String> gitLab(String body, String token) throws Exception {
        return post(body.getBytes(StandardCharsets.UTF_8), "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", token);
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
                 "repository":{"full_name":"example/hooked","clone_url":"%s","default_branch":"main"},
                 "pusher":{"name":"someone"}}""".formatted(branch, commit, cloneUrl);
    }

    static String gitLabPush(String sshUrl, String branch, String commit) {
        return """
                {"object_kind":"push","ref":"refs/heads/%s","after":"%s","checkout_sha":"%s",
                 "project":{"git_ssh_url":"%s","default_branch":"main"}}""".formatted(branch, commit, commit, sshUrl);
    }
}
