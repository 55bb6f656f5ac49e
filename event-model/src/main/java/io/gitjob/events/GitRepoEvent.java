package io.gitjob.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Events of topic {@code gitrepo-events}: what happened to a GitRepo and its Git remote. Written by the
 * watcher; read by job-service and metrics-service.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(GitRepoEvent.Added.class),
        @JsonSubTypes.Type(GitRepoEvent.SpecChanged.class),
        @JsonSubTypes.Type(GitRepoEvent.ForceSync.class),
        @JsonSubTypes.Type(GitRepoEvent.Deleted.class),
        @JsonSubTypes.Type(GitRepoEvent.CommitDetected.class),
        @JsonSubTypes.Type(GitRepoEvent.CommitFetchFailed.class),
        @JsonSubTypes.Type(GitRepoEvent.HeadUnchanged.class)
})
public sealed interface GitRepoEvent extends Event {

    /**
     * A GitRepo appeared (or was first seen by the watcher).
     *
     * @param commit the latest commit the watcher knows of this GitRepo; null if none yet
     */
    @JsonTypeName("gitrepo.added")
    record Added(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            RepoSpec spec, String commit) implements GitRepoEvent {
        public Added {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.required(spec, "spec");
        }
    }

    /**
     * {@code metadata.generation} moved on: the spec changed.
     *
     * @param commit the latest commit the watcher knows of this GitRepo (the one to apply); null if none yet
     */
    @JsonTypeName("gitrepo.spec-changed")
    record SpecChanged(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            RepoSpec spec, long previousGeneration, String commit) implements GitRepoEvent {
        public SpecChanged {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.required(spec, "spec");
            Checks.nonNegative(previousGeneration, "previousGeneration");
        }
    }

    /**
     * {@code spec.forceSyncGeneration} moved on: the user asked for the repo to be applied again.
     *
     * @param commit the latest commit the watcher knows of this GitRepo (the one to apply); null if none yet
     */
    @JsonTypeName("gitrepo.force-sync")
    record ForceSync(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            RepoSpec spec, long previousForceSyncGeneration, String commit) implements GitRepoEvent {
        public ForceSync {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.required(spec, "spec");
            Checks.nonNegative(previousForceSyncGeneration, "previousForceSyncGeneration");
        }
    }

    /** The GitRepo is gone: its Jobs, series and poll schedule go too. */
    @JsonTypeName("gitrepo.deleted")
    record Deleted(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration)
            implements GitRepoEvent {
        public Deleted {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
        }
    }

    /**
     * The remote's head for the GitRepo's branch (or its pinned revision) is a commit not seen before.
     *
     * @param branch null when the GitRepo pins a revision
     * @param previousCommit null for the first commit seen of this GitRepo
     */
    @JsonTypeName("gitrepo.commit-detected")
    record CommitDetected(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String repo, String branch, String commit, String previousCommit, double fetchDurationSeconds,
            CommitSource source) implements GitRepoEvent {
        public CommitDetected {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(repo, "repo");
            repo = UrlCredentials.redact(repo);
            Checks.nonBlank(commit, "commit");
            Checks.nonNegative(fetchDurationSeconds, "fetchDurationSeconds");
            Checks.required(source, "source");
        }
    }

    /** Asking the remote for the latest commit failed: unreachable host, bad credentials, unknown branch. */
    @JsonTypeName("gitrepo.commit-fetch-failed")
    record CommitFetchFailed(String eventId, Instant time, GitRepoRef gitRepo, long generation,
            long forceSyncGeneration, String repo, String errorClass, String errorMessage,
            double fetchDurationSeconds) implements GitRepoEvent {
        public CommitFetchFailed {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.nonBlank(repo, "repo");
            repo = UrlCredentials.redact(repo);
            Checks.nonBlank(errorClass, "errorClass");
            Checks.required(errorMessage, "errorMessage");
            errorMessage = UrlCredentials.redact(errorMessage);
            Checks.nonNegative(fetchDurationSeconds, "fetchDurationSeconds");
        }
    }

    /**
     * The ls-remotes of a period that found the known commit still at the head: a tally, not one record per
     * ls-remote, so Fleet's fetch metrics count every ls-remote (as Fleet's own reconciler does) without a record
     * per GitRepo every polling interval. A detected commit and a failed fetch are records of their own and are
     * not in a tally. A trigger for nobody: job-service ignores it.
     *
     * @param since when the first ls-remote of the tally was made
     * @param fetchDurationsSeconds the time each ls-remote took, one entry per ls-remote
     */
    @JsonTypeName("gitrepo.head-unchanged")
    record HeadUnchanged(String eventId, Instant time, GitRepoRef gitRepo, long generation, long forceSyncGeneration,
            String commit, Instant since, List<Double> fetchDurationsSeconds) implements GitRepoEvent {
        public HeadUnchanged {
            Checks.common(eventId, time, gitRepo, generation, forceSyncGeneration);
            Checks.required(since, "since");
            Checks.required(fetchDurationsSeconds, "fetchDurationsSeconds");
            fetchDurationsSeconds = List.copyOf(fetchDurationsSeconds);
            if (fetchDurationsSeconds.isEmpty()) {
                throw new MalformedEventException("fetchDurationsSeconds is empty: a tally counts at least one fetch");
            }
            for (Double d : fetchDurationsSeconds) {
                Checks.nonNegative(d == null ? -1 : d, "fetchDurationsSeconds[]");
            }
        }
    }

    /** How a commit was learned. */
    enum CommitSource {
        POLL, WEBHOOK
    }
}
