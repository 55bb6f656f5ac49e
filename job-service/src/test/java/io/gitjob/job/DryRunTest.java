package io.gitjob.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.Scrape;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** With gitjob.dry-run=true job-service decides as usual but touches nothing (mock API server, real broker). */
@QuarkusTest
@TestProfile(DryRunTest.DryRun.class)
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class DryRunTest {

    @Inject
    KubernetesClient client;

    @Test
    void aCommitIsDecidedOnButNoJobIsCreatedAndNoStatusWritten() {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-local").withName("dry").build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/dry.git");
        gitRepo.setSpec(spec);
        GitRepo created = client.resource(gitRepo).create();
        var ref = new GitRepoRef("fleet-local", "dry", created.getMetadata().getUid());

        io.gitjob.gitrepo.GitRepoStatusEdit.edit(client, ref, s -> s.setPollingCommit("c1"));
        try (var kafka = new KafkaTestClient();
                var jobEvents = kafka.readFromNow(io.gitjob.events.Topics.GITJOB_EVENTS)) {
            kafka.send(new GitRepoEvent.CommitDetected(UUID.randomUUID().toString(), Instant.now(), ref, 1, 0,
                    spec.getRepo(), null, "c1", null, 0.1, GitRepoEvent.CommitSource.WEBHOOK));
            // The decision is recorded, marked as a dry run.
            var decided = jobEvents.awaitEvent(io.gitjob.events.GitJobEvent.JobDecided.class,
                    e -> e.gitRepo().name().equals("dry") && "dry-run".equals(e.outcome()), Duration.ofSeconds(30));
            assertEquals(true, decided.dryRun());
        }
        // The decision to create is taken (and counted as a dry run)...
        await().atMost(Duration.ofSeconds(30)).until(() -> Scrape.value("gitjob_job_actions_total", "action",
                "CreateJob", "dry_run", "true") > 0);

        // ...and nothing is touched: no Job, and the status holds only what the test (the watcher) wrote.
        assertEquals(0, client.batch().v1().jobs().inNamespace("fleet-local")
                .withLabel(JobConventions.GITREPO_LABEL, "dry").list().getItems().size());
        var status = client.resources(GitRepo.class).inNamespace("fleet-local").withName("dry").get().getStatus();
        assertEquals("c1", status.getPollingCommit());
        assertEquals(null, status.getGitJobStatus());
        assertEquals(null, status.getCommit());
    }

    public static class DryRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gitjob.dry-run", "true");
        }
    }
}
