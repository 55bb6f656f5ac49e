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
            // Fleet's GitPolling after a good poll: no reason, no message
            assertNull(condition.getReason());
            assertNull(condition.getMessage());
            // One GotNewCommit per new commit, none for the polls of the unchanged head.
            await().atMost(WAIT).until(() -> TestSupport.kubernetesEvents(client, "polled", "GotNewCommit").size() == 2);
            var recorded = TestSupport.kubernetesEvents(client, "polled", "GotNewCommit");
            assertEquals(List.of(first, second), recorded.stream().map(e -> e.getNote()).toList());
            assertTrue(recorded.stream().allMatch(e -> "Normal".equals(e.getType())
                    && "GetNewCommit".equals(e.getAction()) && e.getSeries() == null
                    && "GitRepo".equals(e.getRegarding().getKind())
                    && "fleet.cattle.io/v1alpha1".equals(e.getRegarding().getApiVersion())));

            // ... which published no change, only the tally of fetches that found the same head (Fleet counts
            // every ls-remote in its fetch metrics), one record per tally period (2 s in the test profile).
            GitRepoEvent.HeadUnchanged tally = events.awaitEvent(GitRepoEvent.HeadUnchanged.class,
                    e -> e.gitRepo().name().equals("polled") && e.commit().equals(second), WAIT);
            assertTrue(tally.fetchDurationsSeconds().size() >= 1, tally.toString());
            assertTrue(tally.fetchDurationsSeconds().stream().allMatch(d -> d > 0 && d < WAIT.toSeconds()),
                    tally.toString());
            assertTrue(!tally.since().isAfter(tally.time()), tally.toString());
            List<GitRepoEvent> all = TestSupport.eventsUpToNow(kafka, events, "fleet-local/polled");
            assertEquals(List.of("gitrepo.added", "gitrepo.commit-detected", "gitrepo.commit-detected"),
                    all.stream().map(GitRepoEvent::type).toList());
        }
    }

    /**
     * The watcher writes its status on the GitRepo as its trimmed cache holds it (no read): what job-service and
     * Fleet wrote (their conditions, commit, gitJobStatus) survives every one of those writes.
     */
    @Test
    void whatOtherServicesWroteInTheStatusSurvivesTheWatchersWritesOnItsCachedCopy() {
        try (var repo = TestGit.create(repos, "shared-status"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            var created = client.resource(TestSupport.gitRepo("shared-status", repo.fileUrl(), s -> {
                s.setBranch("main");
                s.setPollingInterval("1s");
            })).create();
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("shared-status"), WAIT);
            var ref = new io.gitjob.events.GitRepoRef("fleet-local", "shared-status", created.getMetadata().getUid());
            // As job-service writes it: fields and a condition of its own.
            io.gitjob.gitrepo.GitRepoStatusEdit.edit(client, ref, status -> {
                status.setCommit(repo.head());
                status.setGitJobStatus("Current");
                io.gitjob.gitrepo.GitRepoConditions.set(status.getConditions(), "Ready", "True", "JobSucceeded",
                        "applied", Instant.now().toString());
            });

            String second = repo.commit("second");
            events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("shared-status") && e.commit().equals(second), WAIT);
            Instant after = polledAt("shared-status");
            await().atMost(WAIT).until(() -> polledAt("shared-status").isAfter(after.plusMillis(1900)));

            var status = client.resources(io.gitjob.gitrepo.GitRepo.class).inNamespace("fleet-local")
                    .withName("shared-status").get().getStatus();
            assertEquals(second, status.getPollingCommit());
            assertEquals("Current", status.getGitJobStatus());
            assertEquals(List.of("GitPolling", "Ready"), status.getConditions().stream()
                    .map(GitRepoCondition::getType).sorted().toList(), status.getConditions().toString());
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

            TestSupport.edit(client, "switched", g -> {
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
                    assertEquals("Error", condition.getReason());
                    // the error, then how the backoff stands once it has failed more than once
                    assertTrue(condition.getMessage().startsWith(failed.errorMessage()), condition.getMessage());
                });
                // Every failed poll is a FailedToCheckCommit; the repeats count in one Event's series.
                await().atMost(WAIT).untilAsserted(() -> {
                    var warnings = TestSupport.kubernetesEvents(client, name, "FailedToCheckCommit");
                    assertEquals(1, warnings.size(), name + ": " + warnings);
                    var warning = warnings.get(0);
                    assertEquals("Warning", warning.getType());
                    assertEquals("CheckCommit", warning.getAction());
                    assertTrue(warning.getNote().contains(message), name + ": " + warning.getNote());
                    assertNotNull(warning.getSeries(), name + ": repeated failures count in a series");
                });
            });
            CommitDetected healthy = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("healthy"), WAIT);
            assertEquals(repo.head(), healthy.commit());
        }
    }

    @Test
    void aRemoteThatKeepsFailingIsAskedLessOftenAndPolledAtItsIntervalAgainOnceItAnswers() {
        Path later = repos.resolve("appears-later");
        String url = later.toUri().toString();
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            client.resource(TestSupport.gitRepo("backing-off", url, s -> {
                s.setBranch("main");
                s.setPollingInterval("1s");
            })).create();
            // 1 s, then 2 s, then 4 s (the test profile's cap) between failures; the condition says so.
            await().atMost(WAIT).untilAsserted(() -> {
                GitRepoCondition condition = TestSupport.gitPolling(client, "backing-off");
                assertNotNull(condition);
                assertEquals("False", condition.getStatus());
                assertTrue(condition.getMessage().contains("(failed 3 times in a row; next check in 4s)"),
                        condition.getMessage());
            });
            List<Instant> failures = TestSupport.eventsUpToNow(kafka, events, "fleet-local/backing-off").stream()
                    .filter(e -> e instanceof CommitFetchFailed).map(GitRepoEvent::time).toList();
            assertTrue(failures.size() >= 3, failures.toString());
            // The third failure waited about twice as long as the second did (jitter adds up to 10%).
            Duration firstGap = Duration.between(failures.get(0), failures.get(1));
            Duration secondGap = Duration.between(failures.get(1), failures.get(2));
            assertTrue(secondGap.toMillis() >= 1900 && secondGap.compareTo(firstGap.plusMillis(700)) > 0,
                    firstGap + " then " + secondGap);

            try (var repo = TestGit.create(repos, "appears-later")) {
                CommitDetected detected = events.awaitEvent(CommitDetected.class,
                        e -> e.gitRepo().name().equals("backing-off"), WAIT);
                assertEquals(repo.head(), detected.commit());
                await().atMost(WAIT).untilAsserted(() -> {
                    GitRepoCondition condition = TestSupport.gitPolling(client, "backing-off");
                    assertEquals("True", condition.getStatus());
                    assertNull(condition.getMessage());
                });
                // Back at its interval: the next commit is found within seconds, not after the 4 s backoff.
                String next = repo.commit("next");
                events.awaitEvent(CommitDetected.class,
                        e -> e.gitRepo().name().equals("backing-off") && e.commit().equals(next), WAIT);
            }
        }
    }

    @Test
    void aGitRepoWithoutPollingIsCheckedOnceWhenItAppearsAndAgainOnAForceSync() {
        try (var repo = TestGit.create(repos, "unpolled"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            String first = repo.head();
            client.resource(TestSupport.gitRepo("once", repo.fileUrl(), s -> {
                s.setBranch("main");
                s.setDisablePolling(true);
            })).create();
            // A control GitRepo on the same repository that polls (every second in tests).
            client.resource(TestSupport.gitRepo("control", repo.fileUrl(), s -> s.setBranch("main"))).create();

            // Deployable without a webhook: the one check found the head.
            CommitDetected found = events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("once"), WAIT);
            assertEquals(first, found.commit());
            await().atMost(WAIT).until(() -> first.equals(pollingCommit("once")));
            await().atMost(WAIT).until(() -> TestSupport.kubernetesEvents(client, "once", "GotNewCommit").size() == 1);
            assertEquals("True", TestSupport.gitPolling(client, "once").getStatus());

            // Not polled: the control finds the next commit and polls twice more; "once" does not ask.
            String second = repo.commit("second");
            events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("control") && e.commit().equals(second), WAIT);
            Instant seen = polledAt("control");
            await().atMost(WAIT).until(() -> polledAt("control").isAfter(seen.plusMillis(1900)));
            assertEquals(List.of(first), TestSupport.eventsUpToNow(kafka, events, "fleet-local/once").stream()
                    .filter(CommitDetected.class::isInstance).map(e -> ((CommitDetected) e).commit()).toList());

            // A force sync asks again, as Fleet's reconciler does when it has no Job: the new head is found.
            TestSupport.edit(client, "once", g -> {
                g.getSpec().setForceSyncGeneration(1L);
                return g;
            });
            assertEquals(first, events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("once") && e.commit().equals(second), WAIT).previousCommit());
        }
    }

    @Test
    void theOneCheckOfAGitRepoWithoutPollingFailingIsRecordedAsFleetsReconcilerRecordsIt() {
        try (var repo = TestGit.create(repos, "unpolled-failing"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            client.resource(TestSupport.gitRepo("once-failing", repo.fileUrl(), s -> {
                s.setBranch("nope");
                s.setDisablePolling(true);
            })).create();
            CommitFetchFailed failed = events.awaitEvent(CommitFetchFailed.class,
                    e -> e.gitRepo().name().equals("once-failing"), WAIT);
            await().atMost(WAIT).untilAsserted(() -> {
                GitRepoCondition condition = TestSupport.gitPolling(client, "once-failing");
                assertNotNull(condition);
                assertEquals("False", condition.getStatus());
                assertEquals("Error", condition.getReason());
                assertEquals(failed.errorMessage(), condition.getMessage());
                var warnings = TestSupport.kubernetesEvents(client, "once-failing", "Failed");
                assertEquals(1, warnings.size());
                assertEquals("MonitorLatestCommit", warnings.get(0).getAction());
                assertEquals("Warning", warnings.get(0).getType());
                assertTrue(warnings.get(0).getNote().contains("branch 'nope' not found"), warnings.get(0).getNote());
            });
            assertTrue(TestSupport.kubernetesEvents(client, "once-failing", "FailedToCheckCommit").isEmpty());

            // Asked again until one check goes through: once the branch exists it deploys, without a webhook.
            String head = repo.branch("nope");
            assertEquals(head, events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("once-failing"), WAIT).commit());
        }
    }

    private String pollingCommit(String name) {
        var gitRepo = TestSupport.get(client, name);
        return gitRepo.getStatus() == null ? null : gitRepo.getStatus().getPollingCommit();
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
