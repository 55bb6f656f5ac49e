package io.gitjob.watcher;

import static io.gitjob.watcher.TestSupport.NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The watcher against a real Kafka broker and Fabric8's mock Kubernetes API server in CRUD mode (a stand-in
 * for a real API server: it stores what it is sent and serves watches, nothing more).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class GitRepoWatchTest {

    @Inject
    KubernetesClient client;

    @Test
    void addingChangingForceSyncingAndDeletingAGitRepoPublishesOneEventEachAndAStatusUpdateNone() {
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            // Polling off: this test is about the watch; the repo does not exist (the one check a GitRepo without
            // polling gets on each change fails, and its events are left out below: PollingTest's subject).
            GitRepo created = client.resource(TestSupport.gitRepo("lifecycle", "https://git.example/lifecycle.git",
                    s -> {
                        s.setBranch("main");
                        s.setDisablePolling(true);
                    })).create();
            var resource = client.resources(GitRepo.class).inNamespace(NAMESPACE).withName("lifecycle");

            var added = events.awaitEvent(GitRepoEvent.Added.class, e -> e.gitRepo().name().equals("lifecycle"),
                    Duration.ofSeconds(30));
            assertEquals(created.getMetadata().getUid(), added.gitRepo().uid());
            assertEquals(created.getMetadata().getGeneration(), added.generation());
            assertEquals("https://git.example/lifecycle.git", added.spec().repo());
            var record = events.await(r -> "fleet-local/lifecycle".equals(r.key()), Duration.ofSeconds(1));
            assertEquals("/gitjob/watcher-service", CloudEventHeaders.text(record.headers(), CloudEventHeaders.SOURCE));

            // A status-only update (as other services write) publishes nothing.
            TestSupport.retryOnConflict(() -> resource.editStatus(g -> {
                g.setStatus(new GitRepoStatus());
                g.getStatus().setCommit("0123456789012345678901234567890123456789");
                return g;
            }));

            GitRepo edited = TestSupport.edit(client, "lifecycle", g -> {
                g.getSpec().setBranch("release");
                return g;
            });
            var changed = events.awaitEvent(GitRepoEvent.SpecChanged.class,
                    e -> e.gitRepo().name().equals("lifecycle"), Duration.ofSeconds(30));
            assertEquals("release", changed.spec().branch());
            assertEquals(edited.getMetadata().getGeneration(), changed.generation());
            assertEquals(added.generation(), changed.previousGeneration());

            TestSupport.edit(client, "lifecycle", g -> {
                g.getSpec().setForceSyncGeneration(1L);
                return g;
            });
            var forced = events.awaitEvent(GitRepoEvent.ForceSync.class,
                    e -> e.gitRepo().name().equals("lifecycle"), Duration.ofSeconds(30));
            assertEquals(1, forced.forceSyncGeneration());
            assertEquals(0, forced.previousForceSyncGeneration());

            resource.delete();
            var deleted = events.awaitEvent(GitRepoEvent.Deleted.class, e -> e.gitRepo().name().equals("lifecycle"),
                    Duration.ofSeconds(30));
            assertEquals(forced.generation(), deleted.generation());

            List<GitRepoEvent> all = TestSupport.eventsUpToNow(kafka, events, "fleet-local/lifecycle");
            all = all.stream().filter(TestSupport::lifecycle).toList();
            assertEquals(List.of("gitrepo.added", "gitrepo.spec-changed", "gitrepo.force-sync", "gitrepo.deleted"),
                    all.stream().map(GitRepoEvent::type).toList());
            for (int i = 1; i < all.size(); i++) {
                assertEquals(true, all.get(i).time().isAfter(all.get(i - 1).time()), "event times must increase");
            }
        }
    }
}
