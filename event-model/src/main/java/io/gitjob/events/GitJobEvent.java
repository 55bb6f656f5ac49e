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
        @JsonSubTypes.Type(GitJobEvent.JobDeleted.class),
        @JsonSubTypes.Type(GitJobEvent.JobDecided.class)
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
            errorMessage = UrlCredentials.redact(errorMessage); // an API server's text may repeat the clone URL
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
            terminationMessage = UrlCredentials.redact(terminationMessage); // a cloner may print its URL
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

    /**
     * A decision job-service took on a GitRepo, with its reason: why a Job was, or was not, made. Recorded when it
     * differs from the last one recorded for the GitRepo (a resync that finds the same state records nothing), so
     * {@code replay-cli explain} can answer from the topic long after the logs are gone. Not about one Job's life:
     * metrics-service ignores it.
     *
     * @param generation the GitRepo's generation as seen (0 when the GitRepo was gone)
     * @param jobName the Job the wanted state asks for; null when none can be named (no commit known yet)
     * @param trigger what made job-service look: a gitrepo event's type, {@code gitrepo-changed},
     *        {@code job-changed}, {@code assigned}, {@code retry}, {@code resync}
     * @param seen the state the decision was taken on
     * @param actions what was decided, in words ("create Job x for commit y ..."); empty when nothing is to do
     * @param reason why, in words (every rule that applied)
     * @param outcome {@code decided} (nothing to do), {@code done}, {@code waiting: ...}, {@code failed: <error>}
     *        (retried with backoff), or {@code dry-run}
     */
    @JsonTypeName("gitjob.decided")
    record JobDecided(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String jobName, String trigger, SeenState seen, java.util.List<String> actions, String reason,
            String outcome, boolean dryRun) implements GitJobEvent {
        public JobDecided {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(trigger, "trigger");
            Checks.required(seen, "seen");
            actions = actions == null ? java.util.List.of() : java.util.List.copyOf(actions);
            Checks.nonBlank(reason, "reason");
            Checks.nonBlank(outcome, "outcome");
        }
    }

    /**
     * What job-service saw of a GitRepo and its Jobs when it decided.
     *
     * @param exists false when the GitRepo was gone
     * @param wantedCommit status.pollingCommit as it counts (null when none, or resolved from another source)
     * @param commit status.commit: the current Job's commit
     * @param mode the job mode (fleet, kubectl), null when none could be told
     */
    record SeenState(boolean exists, boolean paused, boolean deleting, String wantedCommit, String commit,
            long observedGeneration, long updateGeneration, String gitJobStatus, String mode,
            java.util.List<SeenJob> jobs) {
        public SeenState {
            jobs = jobs == null ? java.util.List.of() : java.util.List.copyOf(jobs);
        }
    }

    /** One Job as seen: its name, commit and phase (Running, Succeeded, Failed; Stuck: its Pod cannot start). */
    record SeenJob(String name, String commit, String phase) {
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
