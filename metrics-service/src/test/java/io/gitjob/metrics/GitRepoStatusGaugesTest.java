package io.gitjob.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.ResourceCounts;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.Scrape;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Fleet's {@code fleet_gitrepo_*} gauges from the GitRepo's readiness status, against a real broker and Fabric8's
 * mock API server in CRUD mode: this test plays the status reconciler (it writes the readiness fields).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class GitRepoStatusGaugesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "fleet-default";

    @Inject
    KubernetesClient client;

    @Test
    void theGaugesFollowTheStatusWithFleetsLabelsAndGoWithTheGitRepo() {
        GitRepo gitRepo = createGitRepo("status-gauges", null);
        writeReadiness(gitRepo, 1, 2, counts(3, 5, 2));

        await().atMost(WAIT).until(() -> value("fleet_gitrepo_ready_clusters", "status-gauges") == 1.0);
        String text = Scrape.metrics();
        List<String> labels = List.of("name", "status-gauges", "namespace", NS, "repo",
                "https://example.com/status-gauges.git", "branch", "main", "paths", "apps/web;apps/db");
        assertEquals(2.0, Scrape.valueIn(text, "fleet_gitrepo_desired_ready_clusters", labels.toArray(String[]::new)));
        assertEquals(3.0, Scrape.valueIn(text, "fleet_gitrepo_resources_ready", labels.toArray(String[]::new)));
        assertEquals(5.0, Scrape.valueIn(text, "fleet_gitrepo_resources_desired_ready",
                labels.toArray(String[]::new)));
        assertEquals(2.0, Scrape.valueIn(text, "fleet_gitrepo_resources_not_ready", labels.toArray(String[]::new)));
        for (FleetMetrics.StatusGauge gauge : FleetMetrics.GITREPO_STATUS_GAUGES) {
            assertTrue(Scrape.existsIn(text, gauge.name(), labels.toArray(String[]::new)), gauge.name());
            assertTrue(text.contains("# HELP " + gauge.name() + " " + gauge.help()), gauge.name());
        }

        gitRepo = writeReadiness(gitRepo, 2, 2, counts(5, 5, 0));
        await().atMost(WAIT).until(() -> value("fleet_gitrepo_resources_ready", "status-gauges") == 5.0);
        assertEquals(0.0, value("fleet_gitrepo_resources_not_ready", "status-gauges"));

        client.resource(gitRepo).delete();
        await().atMost(WAIT).until(() -> FleetMetrics.GITREPO_STATUS_GAUGES.stream()
                .noneMatch(g -> Scrape.existsIn(Scrape.metrics(), g.name(), "name", "status-gauges")));
    }

    @Test
    void theRepoLabelCarriesNoCredentialWrittenIntoTheUrl() {
        String token = "ghp_NeverInAScrape";
        GitRepo gitRepo = createGitRepo("tokened-gauges", null);
        gitRepo = client.resources(GitRepo.class).inNamespace(NS).withName("tokened-gauges").edit(g -> {
            g.getSpec().setRepo("https://" + token + "@example.com/tokened-gauges.git");
            return g;
        });
        writeReadiness(gitRepo, 1, 1, counts(1, 1, 0));

        await().atMost(WAIT).until(() -> Scrape.existsIn(Scrape.metrics(), "fleet_gitrepo_ready_clusters", "name",
                "tokened-gauges", "repo", "https://***@example.com/tokened-gauges.git"));
        assertFalse(Scrape.metrics().contains(token));
    }

    @Test
    void noReadinessNoGaugesAndAnotherShardsGitRepoIsNotWatched() {
        createGitRepo("no-readiness", null);
        GitRepo other = createGitRepo("other-shard", "shard-b");
        writeReadiness(other, 1, 1, counts(1, 1, 0));
        GitRepo mine = createGitRepo("with-readiness", null);
        writeReadiness(mine, 1, 1, counts(1, 1, 0));

        await().atMost(WAIT).until(() -> value("fleet_gitrepo_ready_clusters", "with-readiness") == 1.0);
        String text = Scrape.metrics();
        assertTrue(!Scrape.existsIn(text, "fleet_gitrepo_ready_clusters", "name", "no-readiness"),
                "a GitRepo without readiness (kubectl mode) has no series of zeros");
        assertTrue(!Scrape.existsIn(text, "fleet_gitrepo_ready_clusters", "name", "other-shard"),
                "another installation's GitRepo");
    }

    // ---- how ----

    private static double value(String metric, String name) {
        return Scrape.value(metric, "name", name, "namespace", NS);
    }

    private static ResourceCounts counts(int ready, int desiredReady, int notReady) {
        ResourceCounts counts = new ResourceCounts();
        counts.setReady(ready);
        counts.setDesiredReady(desiredReady);
        counts.setNotReady(notReady);
        return counts;
    }

    private GitRepo createGitRepo(String name, String shard) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.getMetadata().setNamespace(NS);
        gitRepo.getMetadata().setName(name);
        if (shard != null) {
            gitRepo.getMetadata().setLabels(Map.of(FleetConventions.SHARD_REF_LABEL, shard));
        }
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://example.com/" + name + ".git");
        spec.setBranch("main");
        spec.setPaths(List.of("apps/web", "apps/db"));
        gitRepo.setSpec(spec);
        return client.resources(GitRepo.class).inNamespace(NS).resource(gitRepo).create();
    }

    private GitRepo writeReadiness(GitRepo gitRepo, int readyClusters, int desiredReadyClusters,
            ResourceCounts counts) {
        GitRepo now = client.resources(GitRepo.class).inNamespace(NS).withName(gitRepo.getMetadata().getName()).get();
        GitRepoStatus status = now.getStatus() == null ? new GitRepoStatus() : now.getStatus();
        status.setReadyClusters(readyClusters);
        status.setDesiredReadyClusters(desiredReadyClusters);
        status.setResourceCounts(counts);
        now.setStatus(status);
        return client.resources(GitRepo.class).inNamespace(NS).resource(now).updateStatus();
    }
}
