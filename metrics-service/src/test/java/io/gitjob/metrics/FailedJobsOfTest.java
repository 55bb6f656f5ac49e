package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;

/** Which Jobs {@code gitjob_failed_jobs_retained} counts for a GitRepo: the rule alone, on Jobs built here. */
class FailedJobsOfTest {

    private static final String NS = "fleet-local";
    private final GitRepoRef app = new GitRepoRef(NS, "app", "uid-app-2");

    @Test
    void onlyFailedJobsThatTheGitRepoItselfControlsCount() {
        JobStatus failed = new JobStatusBuilder().withFailed(1).withConditions(new JobConditionBuilder()
                .withType("Failed").withStatus("True").withReason("BackoffLimitExceeded").build()).build();
        List<Job> jobs = List.of(
                job("failed-1", "uid-app-2", true, failed),
                job("failed-2", "uid-app-2", true, failed),
                // No Failed condition yet, but the backoff limit (0) used up and no Pod left: failed too.
                job("failed-3", "uid-app-2", true, new JobStatusBuilder().withFailed(1).withActive(0).build()),
                job("running", "uid-app-2", true, new JobStatusBuilder().withActive(1).build()),
                job("pending", "uid-app-2", true, null),
                job("succeeded", "uid-app-2", true, new JobStatusBuilder().withSucceeded(1)
                        .withCompletionTime("2026-11-23T09:00:00Z").build()),
                // Of the GitRepo deleted earlier under this name, still waiting for the garbage collector.
                job("earlier-uid", "uid-app-1", true, failed),
                // Refers to the GitRepo without being controlled by it.
                job("not-controlled", "uid-app-2", false, failed));

        assertEquals(3, FailedJobsLevel.failedJobsOf(app, jobs));
    }

    private static Job job(String name, String ownerUid, boolean controller, JobStatus status) {
        return new JobBuilder().withNewMetadata().withNamespace(NS).withName(name).addNewOwnerReference()
                .withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND).withName("app").withUid(ownerUid)
                .withController(controller).endOwnerReference().endMetadata()
                .withNewSpec().withBackoffLimit(0).endSpec().withStatus(status).build();
    }
}
