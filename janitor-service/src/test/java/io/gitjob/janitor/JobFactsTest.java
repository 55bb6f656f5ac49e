package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobPhase;

/** How a Job's phase (by gitrepo-api's {@link JobPhase}), owner and completion and failure times are read. */
class JobFactsTest {

    @Test
    void succeededNeedsACompletionTimeAsInFleet() {
        JobFacts succeeded = JobFacts.of(base().withNewStatus().withSucceeded(1)
                .withCompletionTime("2026-11-23T08:00:42Z").endStatus().build());
        assertEquals(JobPhase.SUCCEEDED, succeeded.phase());
        assertEquals(Instant.parse("2026-11-23T08:00:42Z"), succeeded.completedAt(), "the grace counts from it");
        assertNull(succeeded.failedAt());
        assertEquals(JobPhase.RUNNING,
                JobFacts.of(base().withNewStatus().withSucceeded(1).endStatus().build()).phase());
        assertEquals(JobPhase.RUNNING, JobFacts.of(base().build()).phase(), "no status yet");
    }

    @Test
    void failedByItsConditionFailingAtTheConditionsTime() {
        JobFacts facts = JobFacts.of(base().withNewStatus().withFailed(1).withStartTime("2026-11-01T00:00:00Z")
                .addNewCondition().withType("Failed").withStatus("True")
                .withLastTransitionTime("2026-11-02T00:00:00Z").endCondition().endStatus().build());
        assertEquals(JobPhase.FAILED, facts.phase());
        assertEquals(Instant.parse("2026-11-02T00:00:00Z"), facts.failedAt());
        assertNull(facts.completedAt());
    }

    @Test
    void failedWithoutTheConditionOnlyOnceTheBackoffLimitIsUsedUpAndNothingRuns() {
        assertEquals(JobPhase.FAILED, JobFacts.of(base().withNewStatus().withFailed(1)
                .withStartTime("2026-11-01T00:00:00Z").endStatus().build()).phase());
        assertEquals(JobPhase.RUNNING, JobFacts.of(base().editSpec().withBackoffLimit(3).endSpec().withNewStatus()
                .withFailed(1).endStatus().build()).phase(), "retries left");
        assertEquals(JobPhase.RUNNING, JobFacts.of(base().withNewStatus().withFailed(1).withActive(1).endStatus()
                .build()).phase(), "a Pod still runs");
        assertEquals(Instant.parse("2026-11-01T00:00:00Z"), JobFacts.of(base().withNewStatus().withFailed(1)
                .withStartTime("2026-11-01T00:00:00Z").endStatus().build()).failedAt(), "the start time then");
    }

    @Test
    void theOwnerIsTheFleetGitRepoOfTheOwnerReferences() {
        JobFacts facts = JobFacts.of(base().editMetadata().addNewOwnerReference().withApiVersion(GitRepo.API_VERSION)
                .withKind(GitRepo.KIND).withName("simple").withUid("uid-simple").withController(true)
                .endOwnerReference().endMetadata().build());
        assertEquals("uid-simple", facts.gitRepo().orElseThrow().uid());
        assertEquals("fleet-local", facts.gitRepo().orElseThrow().namespace());
        assertEquals(7, facts.generation());
        assertEquals(3, facts.forceSyncGeneration());
        assertEquals("abc123", facts.commit());
        assertNull(facts.failedAt());
    }

    @Test
    void anOwnerReferenceWithoutUidOrOfAnotherKindNamesNoGitRepo() {
        assertTrue(JobFacts.of(base().editMetadata().addNewOwnerReference().withApiVersion(GitRepo.API_VERSION)
                .withKind(GitRepo.KIND).withName("simple").endOwnerReference().endMetadata().build())
                .gitRepo().isEmpty());
        assertTrue(JobFacts.of(base().editMetadata().addNewOwnerReference().withApiVersion("gitjob.cattle.io/v1")
                .withKind("GitJob").withName("simple").withUid("u").endOwnerReference().endMetadata().build())
                .gitRepo().isEmpty());
        // Only a controller ownerReference makes a GitRepo's Job (design section 5); a mere reference does not.
        assertTrue(JobFacts.of(base().editMetadata().addNewOwnerReference().withApiVersion(GitRepo.API_VERSION)
                .withKind(GitRepo.KIND).withName("simple").withUid("u").withController(false).endOwnerReference()
                .endMetadata().build()).gitRepo().isEmpty());
    }

    static JobBuilder base() {
        return new JobBuilder().withNewMetadata().withNamespace("fleet-local").withName("simple-1a2b3")
                .withUid("job-uid").withCreationTimestamp("2026-10-31T00:00:00Z")
                .addToLabels(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .addToLabels(JobConventions.GITREPO_GENERATION_LABEL, "7")
                .addToLabels(JobConventions.FORCE_SYNC_GENERATION_LABEL, "3")
                .addToAnnotations(JobConventions.COMMIT_ANNOTATION, "abc123").endMetadata()
                .withNewSpec().withBackoffLimit(0).endSpec();
    }

}
