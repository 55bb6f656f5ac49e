package io.gitjob.metrics;

import static io.gitjob.metrics.MetricsText.anyLineOf;
import static io.gitjob.metrics.MetricsText.labels;
import static io.gitjob.metrics.MetricsText.lines;
import static io.gitjob.metrics.MetricsText.samplesOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
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
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * {@code gitjob_failed_jobs_retained} from the Jobs in the cluster, and a GitRepo's deletion seen by the informer,
 * against a real broker and Fabric8's mock API server in CRUD mode. The mock runs no controllers: this test plays
 * the Job controller (it sets a Job's status to failed) and the garbage collector (it deletes Jobs itself).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class FailedJobsRetainedTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "fleet-local";
    private static final String RETAINED = FleetMetrics.FAILED_JOBS_RETAINED;

    @Inject
    KubernetesClient client;

    @Test
    void failedJobsInTheClusterAreCountedAndOneDeletedByHandNoLongerIs() {
        GitRepo gitRepo = createGitRepo("kept-failures");
        Job first = fail(createJob(gitRepo, "kept-failures-1"));
        Job second = fail(createJob(gitRepo, "kept-failures-2"));
        createJob(gitRepo, "kept-failures-3"); // still running
        String l = labels(NS, "kept-failures");

        await().atMost(WAIT).until(() -> retained("kept-failures").equals(List.of(RETAINED + "{" + l + "} 2.0")));
        assertTrue(lines(ScrapeText.text()).containsAll(List.of(
                "# HELP " + RETAINED + " " + FleetMetrics.FAILED_JOBS_RETAINED_HELP,
                "# TYPE " + RETAINED + " gauge")));

        // kubectl delete job: no gitjob.deleted event is ever published for it.
        client.resource(first).delete();
        await().atMost(WAIT).until(() -> retained("kept-failures").equals(List.of(RETAINED + "{" + l + "} 1.0")));
        client.resource(second).delete();
        await().atMost(WAIT).until(() -> retained("kept-failures").equals(List.of(RETAINED + "{" + l + "} 0.0")));
    }

    @Test
    void aGitRepoDeletedInTheClusterLosesEverySeriesAtOnceThoughItsDeletionEventNeverCame() {
        GitRepo gitRepo = createGitRepo("deleted-unseen");
        GitRepoRef ref = ref(gitRepo);
        fail(createJob(gitRepo, "deleted-unseen-1"));
        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.created(ref, "deleted-unseen-1"));
            kafka.send(Events.commit(ref, 0.4));
        }
        // Fresh events: the resync, which leaves series with events younger than a minute alone, cannot be what
        // drops them below; the informer's deletion is.
        await().atMost(WAIT).until(() -> samplesOf(ScrapeText.text(), NS, "deleted-unseen").size() == 1 + 1 + 11 + 1);

        client.resource(gitRepo).delete();

        await().atMost(WAIT).until(() -> anyLineOf(ScrapeText.text(), NS, "deleted-unseen").isEmpty());
        // A late event of the deleted GitRepo creates nothing.
        double before = fetchFailuresProcessed();
        try (var kafka = new KafkaTestClient()) {
            kafka.send(Events.fetchFailed(ref));
        }
        await().atMost(WAIT).until(() -> fetchFailuresProcessed() >= before + 1);
        assertEquals(List.of(), anyLineOf(ScrapeText.text(), NS, "deleted-unseen"));
    }

    private static double fetchFailuresProcessed() {
        return Scrape.value("gitjob_events_consumed_total", "topic", Topics.GITREPO_EVENTS, "type",
                "gitrepo.commit-fetch-failed", "outcome", "processed");
    }

    private static List<String> retained(String name) {
        return samplesOf(ScrapeText.text(), RETAINED, NS, name);
    }

    private GitRepo createGitRepo(String name) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/" + name + ".git");
        gitRepo.setSpec(spec);
        return client.resource(gitRepo).create();
    }

    private Job createJob(GitRepo gitRepo, String name) {
        return client.resource(new JobBuilder().withNewMetadata().withNamespace(NS).withName(name)
                .addToLabels(io.gitjob.gitrepo.JobConventions.MANAGED_BY_LABEL,
                        io.gitjob.gitrepo.JobConventions.MANAGED_BY_VALUE)
                .addNewOwnerReference().withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND)
                .withName(gitRepo.getMetadata().getName()).withUid(gitRepo.getMetadata().getUid())
                .withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("apply").withImage("busybox").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
    }

    /** What the Job controller would write when the Job's Pod failed. */
    private Job fail(Job job) {
        Job current = client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).get();
        current.setStatus(new JobStatusBuilder().withFailed(1).withStartTime("2026-11-23T09:00:00Z")
                .withConditions(new JobConditionBuilder().withType("Failed").withStatus("True")
                        .withReason("BackoffLimitExceeded").build())
                .build());
        return client.resource(current).updateStatus();
    }

    private static GitRepoRef ref(GitRepo gitRepo) {
        return new GitRepoRef(NS, gitRepo.getMetadata().getName(), gitRepo.getMetadata().getUid());
    }
}
