package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The janitor against a real Kafka broker and Fabric8's mock Kubernetes API server in CRUD mode. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class CleanupRunTest {

    @Inject
    KubernetesClient client;

    @Inject
    CleanupRun cleanup;

    @Test
    void aSucceededJobIsDeletedAndTheDeletionPublished() {
        client.resource(job("done-1", true)).create();
        client.resource(job("running-1", false)).create();
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            assertEquals(1, cleanup.run());
            var deleted = events.awaitEvent(GitJobEvent.JobDeleted.class, e -> e.jobName().equals("done-1"),
                    Duration.ofSeconds(30));
            assertEquals(GitJobEvent.DeletedBy.JANITOR, deleted.deletedBy());
            assertEquals("simple", deleted.gitRepo().name());
            assertEquals("abc123", deleted.commit());
        }
        assertNull(client.batch().v1().jobs().inNamespace("fleet-local").withName("done-1").get());
        assertNotNull(client.batch().v1().jobs().inNamespace("fleet-local").withName("running-1").get());
    }

    static Job job(String name, boolean succeeded) {
        var builder = new JobBuilder().withNewMetadata().withNamespace("fleet-local").withName(name)
                .addToLabels(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .addToLabels(JobConventions.GITREPO_LABEL, "simple")
                .addToAnnotations(JobConventions.COMMIT_ANNOTATION, "abc123")
                .addNewOwnerReference().withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND).withName("simple")
                .withUid("uid-simple").withController(true).endOwnerReference()
                .endMetadata();
        if (succeeded) {
            builder.withNewStatus().withSucceeded(1).withStartTime("2026-11-23T08:00:00Z")
                    .withCompletionTime("2026-11-23T08:00:42Z").endStatus();
        } else {
            builder.withNewStatus().withActive(1).withStartTime("2026-11-23T08:00:00Z").endStatus();
        }
        return builder.build();
    }
}
