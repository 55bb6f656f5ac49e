package io.gitjob.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatusEdit;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A Job's whole life (commit seen, Job created, succeeded, deleted) costs the API server job-service's writes and
 * not one read: every request job-service sends is taken from Fabric8's mock API server's journal (the mock stands
 * in for the cluster's API server and records each request it serves) and told apart from this test's own by its
 * User-Agent. Secrets and ConfigMaps a Job's shape depends on are read through {@code ClusterReads}, whose period
 * is 0 s in tests (they create Secrets as they go), so those GETs are left out here (ClusterReadsTest covers them).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class ReadsFromCachesTest {

    private static final String NS = "reads-from-caches";
    private static final String TEST_AGENT = "gitjob-reads-test";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @KubernetesTestServer
    KubernetesServer mockServer;

    @Inject
    KubernetesClient serviceClient;

    private KubernetesClient client;

    @BeforeEach
    void ownClient() {
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(serviceClient.getConfiguration())
                .withUserAgent(TEST_AGENT).build()).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void aJobsLifeCostsJobServiceItsWritesAndNoRead() throws Exception {
        GitRepo gitRepo = createGitRepo("steady");
        try (var kafka = new KafkaTestClient(); var jobEvents = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            // The first Job makes the GitRepo's ServiceAccount and RoleBinding: the steady state starts after it.
            runOneJob(kafka, jobEvents, gitRepo, "c1");
            served();

            runOneJob(kafka, jobEvents, gitRepo, "c2");

            Map<String, Integer> byJobService = new TreeMap<>();
            for (String request : served()) {
                byJobService.merge(request, 1, Integer::sum);
            }
            List<String> reads = byJobService.keySet().stream().filter(r -> r.startsWith("GET "))
                    .filter(r -> !r.contains("/secrets/") && !r.contains("/configmaps/"))
                    // API discovery (is Fleet there?), asked on the resync, not per Job
                    .filter(r -> !r.matches("GET /apis?(/[^/]+){0,2}")).toList();
            assertTrue(reads.isEmpty(), "job-service read " + reads + "; all its requests: " + byJobService);
            assertEquals(1, count(byJobService, "POST /apis/batch/v1/namespaces/" + NS + "/jobs"), byJobService
                    .toString());
            assertEquals(1, countStartingWith(byJobService, "DELETE /apis/batch/v1/namespaces/" + NS + "/jobs/"),
                    byJobService.toString());
            assertEquals(2, count(byJobService, "PATCH /apis/fleet.cattle.io/v1alpha1/namespaces/" + NS
                    + "/gitrepos/steady/status"), "job created, job succeeded: " + byJobService);
            List<String> others = byJobService.keySet().stream().filter(r -> !r.startsWith("GET "))
                    .filter(r -> !r.contains("/jobs") && !r.contains("/gitrepos/steady/status")
                            && !r.contains("/events"))
                    .toList();
            assertTrue(others.isEmpty(), "nothing else written in the steady state: " + others);
        }
    }

    private void runOneJob(KafkaTestClient kafka, KafkaTestClient.TopicReader jobEvents, GitRepo gitRepo,
            String commit) {
        GitRepoRef ref = new GitRepoRef(NS, gitRepo.getMetadata().getName(), gitRepo.getMetadata().getUid());
        GitRepoStatusEdit.edit(client, ref, status -> {
            status.setPollingCommit(commit);
            status.setLastPollingTriggered(Instant.now().toString());
        });
        kafka.send(new GitRepoEvent.CommitDetected(UUID.randomUUID().toString(), Instant.now(), ref,
                gitRepo.getMetadata().getGeneration(), 0, gitRepo.getSpec().getRepo(), "main", commit, null, 0.1,
                GitRepoEvent.CommitSource.POLL));
        var created = jobEvents.awaitEvent(GitJobEvent.JobCreated.class, e -> commit.equals(e.commit()), WAIT);
        Job job = client.batch().v1().jobs().inNamespace(NS).withName(created.jobName()).get();
        job.setStatus(new JobStatusBuilder().withSucceeded(1).withStartTime("2026-12-01T09:00:00Z")
                .withCompletionTime("2026-12-01T09:00:05Z").build());
        client.resource(job).updateStatus();
        jobEvents.awaitEvent(GitJobEvent.JobDeleted.class, e -> created.jobName().equals(e.jobName()), WAIT);
        await().atMost(WAIT).until(() -> {
            GitRepo now = client.resources(GitRepo.class).inNamespace(NS).withName("steady").get();
            return commit.equals(now.getStatus().getCommit()) && "Current".equals(now.getStatus().getGitJobStatus())
                    && client.batch().v1().jobs().inNamespace(NS).withLabel(JobConventions.GITREPO_LABEL, "steady")
                            .list().getItems().isEmpty();
        });
    }

    /** job-service's requests since the last call, as "METHOD path" (a watch opened meanwhile left out). */
    private List<String> served() throws InterruptedException {
        List<String> requests = new ArrayList<>();
        var journal = mockServer.getKubernetesMockServer();
        for (var r = journal.takeRequest(0, TimeUnit.MILLISECONDS); r != null; r = journal.takeRequest(0,
                TimeUnit.MILLISECONDS)) {
            String agent = r.getHeader("User-Agent");
            if (TEST_AGENT.equals(agent) || r.getPath().contains("watch=true")) {
                continue;
            }
            requests.add(r.getMethod() + " " + r.getPath().replaceAll("\\?.*$", ""));
        }
        return requests;
    }

    private static int count(Map<String, Integer> requests, String request) {
        return requests.getOrDefault(request, 0);
    }

    private static int countStartingWith(Map<String, Integer> requests, String prefix) {
        return requests.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(Map.Entry::getValue)
                .sum();
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
}
