package io.gitjob.metrics;

import static io.gitjob.metrics.MetricsText.anyLineOf;
import static io.gitjob.metrics.MetricsText.samplesOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.Scrape;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The resync against a real broker and Fabric8's mock API server (CRUD mode), every second here: the series of
 * a GitRepo the cluster does not have go although no {@code gitrepo.deleted} was ever sent, those of a GitRepo
 * it has stay, and so do those of one whose events are too young to tell (the informer may not have seen it).
 */
@QuarkusTest
@TestProfile(GitRepoResyncTest.EverySecond.class)
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class GitRepoResyncTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "resync";

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gitjob.metrics.resync-period", "1s", "gitjob.metrics.resync-min-event-age", "1m");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    GitRepoResync resync;

    @Inject
    ClusterInformers cluster;

    @Test
    void seriesOfGitReposNoLongerInTheClusterGoAtTheResync() {
        GitRepo alive = createGitRepo("alive");
        GitRepoRef aliveRef = new GitRepoRef(NS, "alive", alive.getMetadata().getUid());
        GitRepoRef gone = new GitRepoRef(NS, "gone-unseen", "uid-gone");
        GitRepoRef young = new GitRepoRef(NS, "young", "uid-young");
        // The informer has seen it before the resync can judge its old events.
        await().atMost(WAIT).until(() -> cluster.isLive(aliveRef));
        Instant longAgo = Instant.now().minus(Duration.ofMinutes(10));
        double before = createdProcessed();
        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.created(aliveRef, "alive-1", longAgo));
            kafka.send(Events.created(gone, "gone-unseen-1", longAgo));
            kafka.send(Events.created(young, "young-1", Instant.now()));
        }
        await().atMost(WAIT).until(() -> createdProcessed() >= before + 3);

        // Two resyncs after all three were recorded: what is there now has been judged.
        long runs = resync.runs();
        await().atMost(WAIT).until(() -> resync.runs() >= runs + 2);
        String text = ScrapeText.text();
        assertEquals(List.of(), anyLineOf(text, NS, "gone-unseen"));
        assertEquals(1, samplesOf(text, NS, "alive").size(), "in the cluster: kept");
        assertEquals(1, samplesOf(text, NS, "young").size(), "too young to be taken for deleted");
    }

    private static double createdProcessed() {
        return Scrape.value("gitjob_events_consumed_total", "topic", Topics.GITJOB_EVENTS, "type", "gitjob.created",
                "outcome", "processed");
    }

    private GitRepo createGitRepo(String name) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/" + name + ".git");
        gitRepo.setSpec(spec);
        return client.resource(gitRepo).create();
    }
}
