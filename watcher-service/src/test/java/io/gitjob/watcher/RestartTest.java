package io.gitjob.watcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.RepoSpec;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBroker;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.watcher.state.StateTopic;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * What a restarted (or newly assigned) watcher publishes for changes it missed: the partitions are revoked
 * and rebuilt through the same code a Kafka assignment runs ({@link GitRepoOwnership#rebuild}), against the
 * real {@code gitrepo-state} topic and Fabric8's mock API server (CRUD mode).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class RestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    GitRepoTracker tracker;

    @Inject
    GitRepoOwnership ownership;

    @Inject
    StateTopic stateTopic;

    @Test
    void aGitRepoDeletedOrChangedWhileTheWatcherWasDownGetsItsEventAfterTheRebuild() {
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            await().atMost(WAIT).until(() -> tracker.ownedPartitions().size() == KafkaBroker.TEST_PARTITIONS);
            GitRepo survivor = client.resource(TestSupport.gitRepo("survivor", "https://git.example/s.git",
                    s -> s.setDisablePolling(true))).create();
            GitRepo drifted = client.resource(TestSupport.gitRepo("drifted", "https://git.example/d.git",
                    s -> s.setDisablePolling(true))).create();
            events.awaitEvent(GitRepoEvent.Added.class, e -> e.gitRepo().name().equals("survivor"), WAIT);
            events.awaitEvent(GitRepoEvent.Added.class, e -> e.gitRepo().name().equals("drifted"), WAIT);
            stateTopic.flush();

            // What a watcher that went down earlier had published: a GitRepo since deleted (its last event
            // an hour ahead, as a replica with a fast clock might have left it), and an older spec of "drifted".
            Instant lastEvent = Instant.now().plus(Duration.ofHours(1));
            RepoSpec spec = new RepoSpec("https://git.example/ghost.git", "main", null, null, null, null, null, true,
                    false, false);
            GitRepoState ghost = new GitRepoState(new GitRepoRef("fleet-local", "ghost", "uid-of-ghost"), 3, 1, spec,
                    "5555555555555555555555555555555555555555", lastEvent);
            kafka.sendRaw(Topics.GITREPO_STATE, "fleet-local/ghost", EventCodec.encodeState(ghost));
            GitRepoState older = new GitRepoState(new GitRepoRef("fleet-local", "drifted",
                    drifted.getMetadata().getUid()), 0, 0, spec, null, Instant.now());
            kafka.sendRaw(Topics.GITREPO_STATE, "fleet-local/drifted", EventCodec.encodeState(older));

            Set<Integer> all = tracker.ownedPartitions();
            tracker.revoked(all);
            ownership.rebuild(all, KafkaBroker.TEST_PARTITIONS);

            GitRepoEvent.Deleted deleted = events.awaitEvent(GitRepoEvent.Deleted.class,
                    e -> e.gitRepo().name().equals("ghost"), WAIT);
            assertEquals("uid-of-ghost", deleted.gitRepo().uid());
            assertEquals(3, deleted.generation());
            assertTrue(deleted.time().isAfter(lastEvent), "times of a GitRepo keep increasing across a rebuild");
            GitRepoEvent.SpecChanged changed = events.awaitEvent(GitRepoEvent.SpecChanged.class,
                    e -> e.gitRepo().name().equals("drifted"), WAIT);
            assertEquals(0, changed.previousGeneration());
            assertEquals(drifted.getMetadata().getGeneration(), changed.generation());

            // Nothing for the GitRepo that did not change; the deleted one's state is a tombstone now.
            assertEquals(List.of("gitrepo.added"), TestSupport.eventsUpToNow(kafka, events, "fleet-local/survivor")
                    .stream().filter(TestSupport::lifecycle).map(GitRepoEvent::type).toList());
            assertEquals(survivor.getMetadata().getUid(), tracker.state(new GitRepoKey("fleet-local", "survivor"))
                    .gitRepo().uid());
            stateTopic.flush();
            var ghostRecords = kafka.readFromBeginning(Topics.GITREPO_STATE).stream()
                    .filter(r -> "fleet-local/ghost".equals(r.key())).toList();
            assertEquals(null, ghostRecords.get(ghostRecords.size() - 1).value());
        }
    }

    @Test
    void aStateAnOlderWatcherWroteWithTheUrlsCredentialsIsRewrittenWithoutThemAndWithoutAnEvent() {
        String token = "ghp_" + java.util.UUID.randomUUID().toString().replace("-", "");
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            await().atMost(WAIT).until(() -> tracker.ownedPartitions().size() == KafkaBroker.TEST_PARTITIONS);
            GitRepo tokened = client.resource(TestSupport.gitRepo("tokened",
                    "https://" + token + "@git.example/t.git", s -> s.setDisablePolling(true))).create();
            GitRepoEvent.Added added = events.awaitEvent(GitRepoEvent.Added.class,
                    e -> e.gitRepo().name().equals("tokened"), WAIT);
            assertEquals("https://***@git.example/t.git", added.spec().repo());
            stateTopic.flush();

            // The state of this generation as a watcher before the redaction wrote it: the URL as the user wrote it.
            // Written as raw JSON: this code's RepoSpec would take the token out before it reached the topic.
            RepoSpec spec = new RepoSpec("https://git.example/t.git", null, null, null, null, null, null, true,
                    false, false);
            GitRepoState old = new GitRepoState(new GitRepoRef("fleet-local", "tokened",
                    tokened.getMetadata().getUid()), tokened.getMetadata().getGeneration(), 0, spec, null,
                    Instant.now());
            String raw = new String(EventCodec.encodeState(old), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("https://git.example/t.git", "https://" + token + "@git.example/t.git");
            assertTrue(raw.contains(token));
            kafka.sendRaw(Topics.GITREPO_STATE, "fleet-local/tokened",
                    raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));

            Set<Integer> all = tracker.ownedPartitions();
            tracker.revoked(all);
            ownership.rebuild(all, KafkaBroker.TEST_PARTITIONS);

            await().atMost(WAIT).untilAsserted(() -> {
                stateTopic.flush();
                var records = kafka.readFromBeginning(Topics.GITREPO_STATE).stream()
                        .filter(r -> "fleet-local/tokened".equals(r.key())).toList();
                String last = new String(records.get(records.size() - 1).value(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertFalse(last.contains(token), last);
                assertTrue(last.contains("https://***@git.example/t.git"), last);
            });
            // Nothing changed in the GitRepo: no event for it. (Its one check fails, git.example not resolving;
            // that failure names the URL without the token.)
            List<GitRepoEvent> published = TestSupport.eventsUpToNow(kafka, events, "fleet-local/tokened");
            assertEquals(List.of("gitrepo.added"), published.stream().filter(TestSupport::lifecycle)
                    .map(GitRepoEvent::type).toList());
            assertTrue(published.stream().noneMatch(e -> e.toString().contains(token)), published.toString());
        }
    }
}
