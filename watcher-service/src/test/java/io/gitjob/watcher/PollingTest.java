package io.gitjob.watcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.jgit.junit.http.AppServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoEvent.CommitDetected;
import io.gitjob.events.GitRepoEvent.CommitFetchFailed;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.PolledSource;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Polling real Git repositories the test makes (file:// and over HTTP with JGit's own server), publishing to a
 * real broker; GitRepos live in Fabric8's mock API server (CRUD mode). The test profile polls every second.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class PollingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Path repos;
    private static TestGitServer server;

    @Inject
    KubernetesClient client;

    @BeforeAll
    static void startServer() {
        repos = TestGit.tempDir();
        server = new TestGitServer(repos);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void aNewCommitIsDetectedWithinAnIntervalAndAnUnchangedHeadPublishesNothing() {
        try (var repo = TestGit.create(repos, "polled"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            String first = repo.head();
            client.resource(TestSupport.gitRepo("polled", repo.fileUrl(), s -> {
                s.setBranch("main");
                s.setPollingInterval("1s");
            })).create();

            CommitDetected detected = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("polled"), WAIT);
            assertEquals(first, detected.commit());
            assertNull(detected.previousCommit());
            assertEquals("main", detected.branch());
            assertEquals(GitRepoEvent.CommitSource.POLL, detected.source());

            String second = repo.commit("second");
            CommitDetected next = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("polled") && e.commit().equals(second), WAIT);
            assertEquals(first, next.previousCommit());
            // The commit is recorded where job-service reads its wanted state, before the event is published.
            assertEquals(second, client.resources(io.gitjob.gitrepo.GitRepo.class).inNamespace("fleet-local")
                    .withName("polled").get().getStatus().getPollingCommit());

            // Wait for two more polls (the test profile writes lastPollingTriggered on every poll) ...
            Instant afterSecond = polledAt("polled");
            await().atMost(WAIT).until(() -> polledAt("polled").isAfter(afterSecond.plusMillis(1900)));
            GitRepoCondition condition = TestSupport.gitPolling(client, "polled");
            assertEquals("True", condition.getStatus());

            // ... which published nothing: the head did not change.
            List<GitRepoEvent> all = TestSupport.eventsUpToNow(kafka, events, "fleet-local/polled");
            assertEquals(List.of("gitrepo.added", "gitrepo.commit-detected", "gitrepo.commit-detected"),
                    all.stream().map(GitRepoEvent::type).toList());
        }
    }

    @Test
    void theSourceOfTheRecordedCommitFollowsABranchEditEvenWhenTheNewBranchHasTheSameHead() {
        try (var repo = TestGit.create(repos, "switched"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            String head = repo.head();
            repo.branch("release"); // same head as main
            client.resource(TestSupport.gitRepo("switched", repo.fileUrl(), s -> s.setBranch("main"))).create();
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("switched"), WAIT);
            await().atMost(WAIT).until(() -> PolledSource.of(repo.fileUrl(), "main", null).equals(polledSource()));

            client.resources(GitRepo.class).inNamespace("fleet-local").withName("switched").edit(g -> {
                g.getSpec().setBranch("release");
                return g;
            });
            // No new commit (the head is the same), but job-service must learn that c is release's head now.
            await().atMost(WAIT).until(() -> PolledSource.of(repo.fileUrl(), "release", null).equals(polledSource()));
            assertEquals(head, client.resources(GitRepo.class).inNamespace("fleet-local").withName("switched").get()
                    .getStatus().getPollingCommit());
        }
    }

    private String polledSource() {
        var annotations = client.resources(GitRepo.class).inNamespace("fleet-local").withName("switched").get()
                .getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(PolledSource.ANNOTATION);
    }

    @Test
    void fetchFailuresArePublishedAndSetTheConditionWhileOtherGitReposKeepPolling() {
        try (var repo = TestGit.create(repos, "failing"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            client.resource(TestSupport.gitRepo("unknown-branch", repo.fileUrl(), s -> s.setBranch("nope"))).create();
            client.resource(TestSupport.gitRepo("invalid-url", "::not a url::", s -> s.setBranch("main"))).create();
            client.resource(TestSupport.gitRepo("missing-secret", server.privateUrl("failing"), s -> {
                s.setClientSecretName("no-such-secret");
            })).create();
            client.resource(TestSupport.gitRepo("unreachable", "http://127.0.0.1:1/nothing.git", s -> {
            })).create();
            client.resource(TestSupport.gitRepo("healthy", repo.fileUrl(), s -> s.setBranch("main"))).create();

            Map<String, String> expected = Map.of(
                    "unknown-branch", "branch 'nope' not found",
                    "invalid-url", "not a url",
                    "missing-secret", "secret fleet-local/no-such-secret (spec.clientSecretName) not found",
                    "unreachable", "127.0.0.1");
            expected.forEach((name, message) -> {
                CommitFetchFailed failed = events.awaitEvent(CommitFetchFailed.class,
                        e -> e.gitRepo().name().equals(name), WAIT);
                assertTrue(failed.errorMessage().contains(message), name + ": " + failed.errorMessage());
                assertTrue(failed.fetchDurationSeconds() >= 0);
                await().atMost(WAIT).untilAsserted(() -> {
                    GitRepoCondition condition = TestSupport.gitPolling(client, name);
                    assertNotNull(condition, name + " has no GitPolling condition");
                    assertEquals("False", condition.getStatus());
                    assertEquals(failed.errorMessage(), condition.getMessage());
                });
            });
            CommitDetected healthy = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("healthy"), WAIT);
            assertEquals(repo.head(), healthy.commit());
        }
    }

    @Test
    void pollsOverHttpWithBasicAuthFromTheSecretAndResolvesPinnedRevisionsAndTheDefaultBranch() {
        try (var repo = TestGit.create(repos, "served"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            String tagged = repo.tag("v1");
            String later = repo.commit("after the tag");
            client.resource(new SecretBuilder().withNewMetadata().withNamespace(TestSupport.NAMESPACE)
                    .withName("git-auth").endMetadata()
                    .addToStringData("username", AppServer.username).addToStringData("password", AppServer.password)
                    .build()).create();
            client.resource(TestSupport.gitRepo("private", server.privateUrl("served"), s -> {
                s.setBranch("main");
                s.setClientSecretName("git-auth");
            })).create();
            client.resource(TestSupport.gitRepo("pinned", server.url("served"), s -> s.setRevision("v1"))).create();
            client.resource(TestSupport.gitRepo("default-branch", server.url("served"), s -> {
            })).create();

            assertEquals(later, events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("private"), WAIT).commit());
            CommitDetected pinned = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("pinned"), WAIT);
            assertEquals(tagged, pinned.commit());
            assertNull(pinned.branch());
            CommitDetected byDefault = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("default-branch"), WAIT);
            assertEquals(later, byDefault.commit());
            assertEquals("main", byDefault.branch());
        }
    }

    private Instant polledAt(String name) {
        var gitRepo = TestSupport.get(client, name);
        String at = gitRepo.getStatus() == null ? null : gitRepo.getStatus().getLastPollingTriggered();
        return at == null ? Instant.EPOCH : Instant.parse(at);
    }
}
