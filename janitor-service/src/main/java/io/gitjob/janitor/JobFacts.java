package io.gitjob.janitor;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobPhase;

/**
 * What the janitor needs to know of a Job, read once from the listing. A run holds these rather than the Jobs
 * themselves, so tens of thousands of leftovers fit in a small heap.
 *
 * @param uid the Job's uid as listed: every delete carries it as a precondition
 * @param gitRepo the GitRepo whose controller ownerReference the Job carries; empty when none
 * @param phase by {@link JobPhase}, the rule job-service decides by too
 * @param completedAt when the Job succeeded ({@code status.completionTime}); null unless succeeded
 * @param failedAt when the Job failed (its Failed condition), else when it started or was created; null unless failed
 * @param commit the commit annotation; null when absent
 */
public record JobFacts(String namespace, String name, String uid, Optional<GitRepoRef> gitRepo, JobPhase phase,
        Instant createdAt, Instant completedAt, Instant failedAt, long generation, long forceSyncGeneration,
        String commit) {

    public String path() {
        return namespace + "/" + name;
    }

    public static JobFacts of(Job job) {
        var meta = job.getMetadata();
        JobPhase phase = JobPhase.of(job);
        Instant created = instant(meta.getCreationTimestamp());
        Instant completedAt = phase == JobPhase.SUCCEEDED ? instant(job.getStatus().getCompletionTime()) : null;
        Instant failedAt = null;
        if (phase == JobPhase.FAILED) {
            failedAt = JobPhase.failedCondition(job).map(c -> instant(c.getLastTransitionTime())).orElse(null);
            if (failedAt == null) {
                failedAt = instant(job.getStatus().getStartTime());
            }
            if (failedAt == null) {
                failedAt = created;
            }
        }
        return new JobFacts(meta.getNamespace(), meta.getName(), meta.getUid(), owner(job), phase, created,
                completedAt, failedAt,
                JobConventions.number(meta.getLabels(), JobConventions.GITREPO_GENERATION_LABEL),
                JobConventions.number(meta.getLabels(), JobConventions.FORCE_SYNC_GENERATION_LABEL),
                meta.getAnnotations() == null ? null : meta.getAnnotations().get(JobConventions.COMMIT_ANNOTATION));
    }

    private static Optional<GitRepoRef> owner(Job job) {
        if (job.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        try {
            return JobConventions.gitRepoOf(job);
        } catch (IllegalArgumentException | NullPointerException e) {
            // GitRepoRef refuses a missing or blank field. An ownerReference without a uid or name names no GitRepo the janitor could check: not its to delete.
            return Optional.empty();
        }
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
