package io.gitjob.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
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
    void addingChangingAndDeletingAGitRepoPublishesOneEventEach() {
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            GitRepo created = client.resource(gitRepo("lifecycle", "main")).create();

            var added = events.awaitEvent(GitRepoEvent.Added.class, e -> e.gitRepo().name().equals("lifecycle"),
                    Duration.ofSeconds(30));
            assertEquals(created.getMetadata().getUid(), added.gitRepo().uid());
            assertEquals("https://git.example/lifecycle.git", added.spec().repo());
            var record = events.await(r -> "fleet-local/lifecycle".equals(r.key()), Duration.ofSeconds(1));
            assertEquals("/gitjob/watcher-service", CloudEventHeaders.text(record.headers(), CloudEventHeaders.SOURCE));

            client.resources(GitRepo.class).inNamespace("fleet-local").withName("lifecycle")
                    .edit(g -> {
                        g.getSpec().setBranch("release");
                        return g;
                    });
            var changed = events.awaitEvent(GitRepoEvent.SpecChanged.class,
                    e -> e.gitRepo().name().equals("lifecycle"), Duration.ofSeconds(30));
            assertEquals("release", changed.spec().branch());

            client.resources(GitRepo.class).inNamespace("fleet-local").withName("lifecycle")
                    .edit(g -> {
                        g.getSpec().setForceSyncGeneration(1L);
                        return g;
                    });
            var forced = events.awaitEvent(GitRepoEvent.ForceSync.class,
                    e -> e.gitRepo().name().equals("lifecycle"), Duration.ofSeconds(30));
            assertEquals(1, forced.forceSyncGeneration());
            assertEquals(0, forced.previousForceSyncGeneration());

            client.resources(GitRepo.class).inNamespace("fleet-local").withName("lifecycle").delete();
            events.awaitEvent(GitRepoEvent.Deleted.class, e -> e.gitRepo().name().equals("lifecycle"),
                    Duration.ofSeconds(30));

            List<String> types = events.seen().stream().filter(r -> "fleet-local/lifecycle".equals(r.key()))
                    .map(r -> CloudEventHeaders.text(r.headers(), CloudEventHeaders.TYPE)).toList();
            assertEquals(List.of("io.gitjob.gitrepo.added", "io.gitjob.gitrepo.spec-changed",
                    "io.gitjob.gitrepo.force-sync", "io.gitjob.gitrepo.deleted"), types);
        }
    }

    static GitRepo gitRepo(String name, String branch) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-local").withName(name).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/" + name + ".git");
        spec.setBranch(branch);
        gitRepo.setSpec(spec);
        return gitRepo;
    }
}
