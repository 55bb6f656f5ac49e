package io.gitjob.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatusEdit;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.Scrape;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * job-service records its decisions on {@code gitjob-events} ({@code gitjob.decided}), what it saw, did and why,
 * including what it decided not to do, and not again when nothing changed. A real broker; Fabric8's mock API server
 * stands in for the cluster (this test plays the watcher: it records the commit and sends its event).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class DecisionRecordTest {

    private static final String NS = "fleet-local";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Test
    void aCreateAndASkipWhilePausedAreRecordedWithTheirReasonsAndARepeatIsNot() {
        GitRepo gitRepo = createGitRepo("decided");
        try (var kafka = new KafkaTestClient(); var jobEvents = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            kafka.send(commitDetected(gitRepo, "c1"));
            var created = jobEvents.awaitEvent(GitJobEvent.JobDecided.class, e -> mine(e) && "done".equals(e.outcome())
                    && "c1".equals(e.seen().wantedCommit()), WAIT);
            assertTrue(created.actions().get(0).startsWith("create Job " + created.jobName() + " for commit c1"),
                    created.actions().toString());
            assertTrue(created.reason().contains("wanted state: commit c1"), created.reason());
            assertTrue(created.seen().exists());
            assertEquals("kubectl", created.seen().mode());

            client.resources(GitRepo.class).inNamespace(NS).withName("decided").edit(g -> {
                g.getSpec().setPaused(true);
                return g;
            });
            kafka.send(commitDetected(gitRepo, "c2"));
            var skipped = jobEvents.awaitEvent(GitJobEvent.JobDecided.class, e -> mine(e)
                    && "c2".equals(e.seen().wantedCommit()) && e.seen().paused(), WAIT);
            assertEquals("decided", skipped.outcome());
            assertTrue(skipped.actions().isEmpty(), skipped.actions().toString());
            assertTrue(skipped.reason().contains("GitRepo is paused: commit c2 waits"), skipped.reason());

            // Looked at twice more with nothing changed: nothing more is recorded. Then a change, whose decision
            // is recorded after theirs (one GitRepo is reconciled by one worker at a time, in order).
            awaitProcessed(kafka, gitRepo);
            awaitProcessed(kafka, gitRepo);
            kafka.send(commitDetected(gitRepo, "c3"));
            jobEvents.awaitEvent(GitJobEvent.JobDecided.class, e -> mine(e) && "c3".equals(e.seen().wantedCommit()),
                    WAIT);
            long paused = jobEvents.seen().stream()
                    .filter(r -> "io.gitjob.gitjob.decided".equals(io.gitjob.events.CloudEventHeaders.text(r.headers(),
                            io.gitjob.events.CloudEventHeaders.TYPE)))
                    .map(r -> EventCodec.decode(r.value(), GitJobEvent.class)).map(GitJobEvent.JobDecided.class::cast)
                    .filter(e -> mine(e) && e.seen().paused() && "c2".equals(e.seen().wantedCommit())).count();
            assertEquals(1, paused);
        }
    }

    private static boolean mine(GitJobEvent.JobDecided e) {
        return e.gitRepo().name().equals("decided");
    }

    private GitRepo createGitRepo(String name) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/" + name + ".git");
        spec.setBranch("main");
        gitRepo.setSpec(spec);
        return client.resource(gitRepo).create();
    }

    private GitRepoEvent.CommitDetected commitDetected(GitRepo gitRepo, String commit) {
        GitRepoStatusEdit.edit(client, ref(gitRepo), status -> {
            status.setPollingCommit(commit);
            status.setLastPollingTriggered(Instant.now().toString());
        });
        return new GitRepoEvent.CommitDetected(UUID.randomUUID().toString(), Instant.now(), ref(gitRepo),
                gitRepo.getMetadata().getGeneration(), 0, gitRepo.getSpec().getRepo(), "main", commit, null, 0.1,
                GitRepoEvent.CommitSource.POLL);
    }

    /** A no-op event on the GitRepo's partition: once consumed, everything sent before it was. */
    private void awaitProcessed(KafkaTestClient kafka, GitRepo gitRepo) {
        double before = Scrape.value("gitjob_events_consumed_total", "topic", Topics.GITREPO_EVENTS, "type",
                "gitrepo.commit-fetch-failed");
        kafka.send(new GitRepoEvent.CommitFetchFailed(UUID.randomUUID().toString(), Instant.now(), ref(gitRepo), 1, 0,
                gitRepo.getSpec().getRepo(), "marker", "marks the end of what the test sent", 0));
        await().atMost(WAIT).until(() -> Scrape.value("gitjob_events_consumed_total", "topic", Topics.GITREPO_EVENTS,
                "type", "gitrepo.commit-fetch-failed") > before);
    }

    private static GitRepoRef ref(GitRepo gitRepo) {
        return new GitRepoRef(NS, gitRepo.getMetadata().getName(), gitRepo.getMetadata().getUid());
    }
}
