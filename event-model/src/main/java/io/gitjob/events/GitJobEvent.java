package io.gitjob.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Events of topic {@code gitjob-events}: the life of the Kubernetes Jobs that apply GitRepos. Written by
 * job-service and the janitor; read by metrics-service.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(GitJobEvent.JobCreated.class),
        @JsonSubTypes.Type(GitJobEvent.JobCreationFailed.class),
        @JsonSubTypes.Type(GitJobEvent.JobSucceeded.class),
        @JsonSubTypes.Type(GitJobEvent.JobFailed.class),
        @JsonSubTypes.Type(GitJobEvent.JobTerminated.class),
        @JsonSubTypes.Type(GitJobEvent.JobDeleted.class)
})
public sealed interface GitJobEvent extends Event {

    /** The Job that applies this GitRepo's state; null only where no Job is known. */
    String jobName();

    @JsonTypeName("gitjob.created")
    record JobCreated(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String jobName, String commit) implements GitJobEvent {
        public JobCreated {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(jobName, "jobName");
            Checks.nonBlank(commit, "commit");
        }
    }

    /** Creating the Job failed (API error, invalid template); job-service retries with backoff. */
    @JsonTypeName("gitjob.creation-failed")
    record JobCreationFailed(String eventId, Instant time, GitRepoRef gitRepo, long generation,
            long forceSyncGeneration, String jobName, String commit, String errorClass, String errorMessage)
            implements GitJobEvent {
        public JobCreationFailed {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(jobName, "jobName");
            Checks.nonBlank(commit, "commit");
            Checks.nonBlank(errorClass, "errorClass");
            Checks.required(errorMessage, "errorMessage");
        }
    }

    /** @param durationSeconds the Job's completionTime minus its startTime */
    @JsonTypeName("gitjob.succeeded")
    record JobSucceeded(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String jobName, String commit, double durationSeconds) implements GitJobEvent {
        public JobSucceeded {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(jobName, "jobName");
            Checks.nonBlank(commit, "commit");
            Checks.nonNegative(durationSeconds, "durationSeconds");
        }
    }

    /** @param terminationMessage the failed Pod's termination message; null when the Pod left none */
    @JsonTypeName("gitjob.failed")
    record JobFailed(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String jobName, String commit, String reason, String terminationMessage) implements GitJobEvent {
        public JobFailed {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(jobName, "jobName");
            Checks.nonBlank(commit, "commit");
            Checks.nonBlank(reason, "reason");
        }
    }

    /** A running Job was stopped because what it applies is no longer wanted. */
    @JsonTypeName("gitjob.terminated")
    record JobTerminated(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String jobName, String commit, TerminationCause cause) implements GitJobEvent {
        public JobTerminated {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(jobName, "jobName");
            Checks.nonBlank(commit, "commit");
            Checks.required(cause, "cause");
        }
    }

    /**
     * A Job was deleted by gitjob.
     *
     * @param commit null when the Job carried no commit annotation (a Fleet Job of an unknown commit)
     * @param reason why, in a word a dashboard can group by: {@code succeeded}, {@code orphan}, ...
     */
    @JsonTypeName("gitjob.deleted")
    record JobDeleted(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String jobName, String commit, DeletedBy deletedBy, String reason) implements GitJobEvent {
        public JobDeleted {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(jobName, "jobName");
            Checks.required(deletedBy, "deletedBy");
            Checks.nonBlank(reason, "reason");
        }
    }

    enum TerminationCause {
        SPEC_CHANGED, FORCE_SYNC, GITREPO_DELETED,
        /** A newer commit is wanted: the running Job is replaced, as Fleet does, so two applies never race. */
        NEW_COMMIT
    }

    enum DeletedBy {
        JOB_SERVICE, JANITOR
    }
}
