package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobPhase;
import io.gitjob.support.TrimmedItemStore;

/** metrics-service's Job cache keeps what the failed Jobs are counted from, and not the Pod template. */
class FailedJobFieldsTrimTest {

    private static final String NS = "fleet-local";
    private final TrimmedItemStore<Job> store = new TrimmedItemStore<>(Job.class, FailedJobFieldsTrim::trim,
            new KubernetesSerialization());

    @Test
    void everyJobCountsAndBelongsAsItDidWhole() {
        JobStatus failed = new JobStatusBuilder().withFailed(1).withStartTime("2026-11-23T09:00:00Z")
                .withConditions(new JobConditionBuilder().withType("Failed").withStatus("True")
                        .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
                        .build())
                .build();
        List<Job> whole = List.of(
                job("failed", "uid-app", true, failed),
                job("failed-no-condition", "uid-app", true, new JobStatusBuilder().withFailed(1).withActive(0).build()),
                job("running", "uid-app", true, new JobStatusBuilder().withActive(1).build()),
                job("pending", "uid-app", true, null),
                job("succeeded", "uid-app", true, new JobStatusBuilder().withSucceeded(1)
                        .withCompletionTime("2026-11-23T09:00:00Z").build()),
                job("earlier-uid", "uid-app-before", true, failed),
                job("not-controlled", "uid-app", false, failed));
        List<Job> cached = new ArrayList<>();
        for (Job job : whole) {
            store.put(store.getKey(job), job);
            cached.add(store.get(store.getKey(job)));
        }

        for (int i = 0; i < whole.size(); i++) {
            Job before = whole.get(i);
            Job after = cached.get(i);
            String name = before.getMetadata().getName();
            assertEquals(JobPhase.of(before), JobPhase.of(after), name);
            assertEquals(JobConventions.gitRepoOf(before), JobConventions.gitRepoOf(after), name);
            assertEquals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion(), name);
        }
        GitRepoRef app = new GitRepoRef(NS, "app", "uid-app");
        assertEquals(2, FailedJobsLevel.failedJobsOf(app, whole));
        assertEquals(2, FailedJobsLevel.failedJobsOf(app, cached));
    }

    @Test
    void thePodTemplateLabelsAndAnnotationsAreNotKept() {
        Job job = job("failed", "uid-app", true, new JobStatusBuilder().withFailed(1).build());
        store.put(store.getKey(job), job);
        Job kept = store.get(store.getKey(job));

        assertNull(kept.getSpec().getTemplate());
        assertEquals(0, kept.getSpec().getBackoffLimit());
        assertTrue(kept.getMetadata().getLabels() == null || kept.getMetadata().getLabels().isEmpty());
        assertTrue(kept.getMetadata().getAnnotations() == null || kept.getMetadata().getAnnotations().isEmpty());
    }

    private static Job job(String name, String ownerUid, boolean controller, JobStatus status) {
        return new JobBuilder().withNewMetadata().withNamespace(NS).withName(name).withUid("uid-" + name)
                .withResourceVersion("42").withLabels(Map.of(JobConventions.GITREPO_LABEL, "app"))
                .withAnnotations(Map.of("gitjob.io/commit", "c".repeat(40)))
                .addNewOwnerReference().withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND).withName("app")
                .withUid(ownerUid).withController(controller).endOwnerReference()
                .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("other").withUid("cm")
                .endOwnerReference().endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().addNewContainer().withName("fleet")
                .withImage("rancher/fleet:v0.16.1").withArgs("fleet", "apply", "--targets-file=/run/config/targets.yaml")
                .addNewEnv().withName("HOME").withValue("/fleet-home").endEnv().endContainer().withRestartPolicy("Never")
                .endSpec().endTemplate().endSpec().withStatus(status).build();
    }
}
