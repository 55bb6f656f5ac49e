package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.support.TrimmedItemStore;

/** job-service decides on its Job and Pod caches as it did on whole objects; the templates are not kept. */
class JobCacheTrimTest {

    private static final String NS = "fleet-local";
    private final KubernetesSerialization json = new KubernetesSerialization();
    private final TrimmedItemStore<Job> jobs = new TrimmedItemStore<>(Job.class, JobCacheTrim::job, json);
    private final TrimmedItemStore<Pod> pods = new TrimmedItemStore<>(Pod.class, JobCacheTrim::pod, json);

    @Test
    void everyJobIsTheSameToTheDecisionsCachedAsWhole() {
        List<Job> whole = List.of(
                job("running", new JobStatusBuilder().withActive(1).withStartTime("2026-12-03T10:00:00Z").build(),
                        Map.of(), false),
                job("pending", null, Map.of(), false),
                job("succeeded", new JobStatusBuilder().withSucceeded(1).withStartTime("2026-12-03T10:00:00Z")
                        .withCompletionTime("2026-12-03T10:00:07Z").build(), Map.of(), false),
                job("failed", new JobStatusBuilder().withFailed(1).withConditions(new JobConditionBuilder()
                        .withType("Failed").withStatus("True").withReason("DeadlineExceeded").build()).build(),
                        Map.of(ClusterState.FAILURE_REPORTED_ANNOTATION, "true"), false),
                job("failed-no-condition", new JobStatusBuilder().withFailed(1).withActive(0).build(), Map.of(),
                        false),
                job("deleting", new JobStatusBuilder().withActive(1).build(), Map.of(), true));
        for (Job job : whole) {
            jobs.put(jobs.getKey(job), job);
            Job cached = jobs.get(jobs.getKey(job));
            assertEquals(ClusterState.view(job), ClusterState.view(cached), job.getMetadata().getName());
            assertEquals(ClusterCache.keyOf(job), ClusterCache.keyOf(cached));
            assertNull(cached.getSpec().getTemplate(), "no Pod template kept");
            assertFalse(cached.getMetadata().getAnnotations().containsKey(
                    "kubectl.kubernetes.io/last-applied-configuration"));
        }
    }

    @Test
    void aPodThatCannotStartOrFinishedSaysTheSameCached() {
        Instant now = Instant.parse("2026-12-03T10:30:00Z");
        Pod pulling = pod("pulling").editStatus().addNewContainerStatus().withName("fleet").withNewState()
                .withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image").endWaiting()
                .endState().endContainerStatus().endStatus().build();
        Pod unschedulable = pod("unschedulable").editStatus().addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available")
                .withLastTransitionTime("2026-12-03T10:00:00Z").endCondition().endStatus().build();
        Pod failed = pod("failed").editStatus().addNewContainerStatus().withName("fleet").withNewState()
                .withNewTerminated().withExitCode(1).withMessage("apply failed: no such path").endTerminated()
                .endState().endContainerStatus().endStatus().build();
        for (Pod pod : List.of(pulling, unschedulable, failed)) {
            pods.put(pods.getKey(pod), pod);
            Pod cached = pods.get(pods.getKey(pod));
            assertEquals(PodStartFailure.of(List.of(pod), now, Duration.ofMinutes(5)),
                    PodStartFailure.of(List.of(cached), now, Duration.ofMinutes(5)), pod.getMetadata().getName());
            assertEquals(PodStartFailure.unschedulableDeadline(List.of(pod), Duration.ofMinutes(5)),
                    PodStartFailure.unschedulableDeadline(List.of(cached), Duration.ofMinutes(5)));
            assertEquals(pod.getStatus(), cached.getStatus());
            assertEquals(ClusterCache.jobNameOf(pod), ClusterCache.jobNameOf(cached));
            assertNull(cached.getSpec(), "no Pod spec kept");
        }
    }

    private static Job job(String name, JobStatus status, Map<String, String> annotations, boolean deleting) {
        return new JobBuilder().withNewMetadata().withNamespace(NS).withName("app-" + name).withUid("uid-" + name)
                .withResourceVersion("17").withCreationTimestamp("2026-12-03T10:00:00Z")
                .withDeletionTimestamp(deleting ? "2026-12-03T10:01:00Z" : null)
                .withLabels(Map.of(JobConventions.GITREPO_LABEL, "app", JobConventions.GITREPO_GENERATION_LABEL, "3",
                        JobConventions.FORCE_SYNC_GENERATION_LABEL, "1"))
                .addToAnnotations(annotations).addToAnnotations(JobConventions.COMMIT_ANNOTATION, "c".repeat(40))
                .addToAnnotations(ClusterState.TRACEPARENT_ANNOTATION,
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}".repeat(500))
                .addNewOwnerReference().withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND).withName("app")
                .withUid("uid-app").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().addNewContainer().withName("fleet")
                .withImage("rancher/fleet:v0.16.1").withArgs("fleet", "apply").endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().withStatus(status).build();
    }

    private static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withNamespace(NS).withName("app-x-" + name).withResourceVersion("9")
                .withCreationTimestamp("2026-12-03T10:00:00Z")
                .withLabels(Map.of(ClusterState.JOB_NAME_LABEL, "app-x", JobConventions.GITREPO_LABEL, "app"))
                .endMetadata().withNewSpec().addNewContainer().withName("fleet").withImage("rancher/fleet:v0.16.1")
                .endContainer().endSpec().withNewStatus().withPhase("Pending").endStatus();
    }
}
