package io.gitjob.watcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoEvent.CommitDetected;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBroker;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.watcher.state.StateTopic;
import io.gitjob.watcher.webhook.Signatures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The default shard (no {@code gitjob.shard-id}): only GitRepos without Fleet's shard-ref label are watched,
 * polled and offered webhooks; one labelled away is forgotten without a deletion, live or across a rebuild.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class ShardTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Path repos;

    @Inject
    KubernetesClient client;

    @Inject
    GitRepoTracker tracker;

    @Inject
    GitRepoOwnership ownership;

    @Inject
    StateTopic stateTopic;

    @TestHTTPResource("/webhook")
    URI webhook;

    @BeforeAll
    static void repos() {
        repos = TestGit.tempDir();
    }

    @Test
    void aGitRepoOfAnotherShardIsNeitherWatchedNorPolledNorPushedTo() throws Exception {
        try (var repo = TestGit.create(repos, "shared"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            client.resource(labelled(TestSupport.gitRepo("foreign", repo.fileUrl(), s -> s.setBranch("main")),
                    "canary")).create();
            client.resource(TestSupport.gitRepo("mine", repo.fileUrl(), s -> s.setBranch("main"))).create();
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("mine"), WAIT);
            Instant seen = polledAt("mine");
            await().atMost(WAIT).until(() -> polledAt("mine").isAfter(seen.plusMillis(1900)));

            assertEquals(List.of(), TestSupport.eventsUpToNow(kafka, events, "fleet-local/foreign"));
            assertNull(TestSupport.get(client, "foreign").getStatus(), "another shard's status is not ours to write");
            assertEquals(List.of(), TestSupport.kubernetesEvents(client, "foreign"));

            client.resource(labelled(TestSupport.gitRepo("hooked-foreign", "https://github.com/example/sharded.git",
                    s -> {
                        s.setBranch("main");
                        s.setDisablePolling(true);
                    }), "canary")).create();
            client.resource(TestSupport.gitRepo("hooked-mine", "https://github.com/example/sharded.git", s -> {
                s.setBranch("main");
                s.setDisablePolling(true);
            })).create();
            events.awaitEvent(GitRepoEvent.Added.class, e -> e.gitRepo().name().equals("hooked-mine"), WAIT);
            HttpResponse<String> answer = gitHubPush("https://github.com/example/sharded.git",
                    "5555555555555555555555555555555555555555");
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("{\"gitRepos\":[\"fleet-local/hooked-mine\"]}", answer.body());
            assertEquals(List.of(), TestSupport.eventsUpToNow(kafka, events, "fleet-local/hooked-foreign"));
        }
    }

    @Test
    void aGitRepoLabelledIntoAnotherShardIsForgottenWithoutADeletion() {
        try (var repo = TestGit.create(repos, "moving"); var kafka = new KafkaTestClient();
                var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            client.resource(TestSupport.gitRepo("leaving", repo.fileUrl(), s -> s.setBranch("main"))).create();
            client.resource(TestSupport.gitRepo("staying", repo.fileUrl(), s -> s.setBranch("main"))).create();
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("leaving"), WAIT);
            events.awaitEvent(CommitDetected.class, e -> e.gitRepo().name().equals("staying"), WAIT);

            TestSupport.edit(client, "leaving", g -> {
                if (g.getMetadata().getLabels() == null) {
                    g.getMetadata().setLabels(new HashMap<>());
                }
                g.getMetadata().getLabels().put(FleetConventions.SHARD_REF_LABEL, "canary");
                return g;
            });
            GitRepoKey leaving = new GitRepoKey(TestSupport.NAMESPACE, "leaving");
            await().atMost(WAIT).until(() -> tracker.state(leaving) == null);

            // No longer polled: "staying" finds the next commit and polls twice more; "leaving" does not.
            String next = repo.commit("next");
            events.awaitEvent(CommitDetected.class,
                    e -> e.gitRepo().name().equals("staying") && e.commit().equals(next), WAIT);
            Instant seen = polledAt("staying");
            await().atMost(WAIT).until(() -> polledAt("staying").isAfter(seen.plusMillis(1900)));

            List<String> published = TestSupport.eventsUpToNow(kafka, events, "fleet-local/leaving").stream()
                    .map(GitRepoEvent::type).toList();
            assertEquals(List.of("gitrepo.added", "gitrepo.commit-detected"), published,
                    "no gitrepo.deleted, no commit of the other installation's GitRepo");
            stateTopic.flush();
            var records = kafka.readFromBeginning(Topics.GITREPO_STATE).stream()
                    .filter(r -> "fleet-local/leaving".equals(r.key())).toList();
            assertNull(records.get(records.size() - 1).value(), "forgotten on gitrepo-state: a tombstone");
        }
    }

    @Test
    void aRebuildForgetsAGitRepoThatMovedToAnotherShardWhileUnownedWithoutADeletion() {
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            await().atMost(WAIT).until(() -> tracker.ownedPartitions().size() == KafkaBroker.TEST_PARTITIONS);
            GitRepo moved = client.resource(labelled(TestSupport.gitRepo("moved", "https://git.example/m.git",
                    s -> s.setDisablePolling(true)), "canary")).create();
            // What this installation had published of it before it was labelled away.
            GitRepoState before = new GitRepoState(new GitRepoRef(TestSupport.NAMESPACE, "moved",
                    moved.getMetadata().getUid()), 1, 0, new io.gitjob.events.RepoSpec("https://git.example/m.git",
                            null, null, null, null, null, null, true, false, false),
                    null, Instant.now());
            kafka.sendRaw(Topics.GITREPO_STATE, "fleet-local/moved", EventCodec.encodeState(before));
            // and one truly deleted, for contrast
            GitRepoState ghost = new GitRepoState(new GitRepoRef(TestSupport.NAMESPACE, "gone-for-good", "uid-gone"),
                    1, 0, before.spec(), null, Instant.now());
            kafka.sendRaw(Topics.GITREPO_STATE, "fleet-local/gone-for-good", EventCodec.encodeState(ghost));

            Set<Integer> all = tracker.ownedPartitions();
            tracker.revoked(all);
            ownership.rebuild(all, KafkaBroker.TEST_PARTITIONS);

            events.awaitEvent(GitRepoEvent.Deleted.class, e -> e.gitRepo().name().equals("gone-for-good"), WAIT);
            assertEquals(List.of(), TestSupport.eventsUpToNow(kafka, events, "fleet-local/moved"));
            assertNull(tracker.state(new GitRepoKey(TestSupport.NAMESPACE, "moved")));
            stateTopic.flush();
            var records = kafka.readFromBeginning(Topics.GITREPO_STATE).stream()
                    .filter(r -> "fleet-local/moved".equals(r.key())).toList();
            assertNull(records.get(records.size() - 1).value());
        }
    }

    static GitRepo labelled(GitRepo gitRepo, String shard) {
        gitRepo.getMetadata().setLabels(new HashMap<>(java.util.Map.of(FleetConventions.SHARD_REF_LABEL, shard)));
        return gitRepo;
    }

    private Instant polledAt(String name) {
        var gitRepo = TestSupport.get(client, name);
        String at = gitRepo.getStatus() == null ? null : gitRepo.getStatus().getLastPollingTriggered();
        return at == null ? Instant.EPOCH : Instant.parse(at);
    }

    private HttpResponse<String> gitHubPush(String cloneUrl, String commit) throws Exception {
        byte[] body = WebhookTest.gitHubPush(cloneUrl, "main", commit).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(webhook)
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256",
                        "sha256=" + HexFormat.of().formatHex(Signatures.hmacSha256("test-github-secret", body)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
