package io.gitjob.job.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobMode;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobPhase;
import io.gitjob.job.decision.GitRepoView;
import io.gitjob.job.decision.JobView;
import io.gitjob.job.mode.JobModes;

/**
 * The turning of GitRepos and Jobs, as job-service's caches hold them, into the decision's inputs, and the names
 * job-service marks Jobs with.
 */
public final class ClusterState {

    /** Set on a failed Job once its failure is published, so a resync or a restart never reports it twice. */
    public static final String FAILURE_REPORTED_ANNOTATION = "gitjob.io/failure-reported";
    /** The trace a Job was created in, so its completion (seen later) joins that trace. */
    public static final String TRACEPARENT_ANNOTATION = "gitjob.io/traceparent";
    /** Set by Kubernetes on every Pod of a Job (1.27 and later; {@code job-name} before). */
    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    private ClusterState() {
    }

    public static Optional<GitRepoView> view(Optional<GitRepo> gitRepo, Function<GitRepo, JobModes.Choice> modes) {
        return gitRepo.map(g -> view(g, modes.apply(g)));
    }

    /** The GitRepo as a standalone one: for its identity, where the mode does not matter. */
    public static GitRepoView view(GitRepo gitRepo) {
        return view(gitRepo, new JobModes.Choice(JobMode.KUBECTL, null));
    }

    public static GitRepoView view(GitRepo gitRepo, JobModes.Choice mode) {
        var meta = gitRepo.getMetadata();
        var spec = gitRepo.getSpec();
        GitRepoStatus status = gitRepo.getStatus() == null ? new GitRepoStatus() : gitRepo.getStatus();
        return new GitRepoView(
                new GitRepoRef(meta.getNamespace(), meta.getName(), meta.getUid()),
                spec == null ? null : spec.getRepo(),
                meta.getGeneration() == null ? 0 : meta.getGeneration(),
                spec == null || spec.getForceSyncGeneration() == null ? 0 : spec.getForceSyncGeneration(),
                spec != null && Boolean.TRUE.equals(spec.getPaused()),
                meta.getDeletionTimestamp() != null,
                // A commit resolved from the repo/branch/revision before an edit is no commit of this spec.
                io.gitjob.gitrepo.PolledSource.matchesSpec(gitRepo) ? blankToNull(status.getPollingCommit()) : null,
                blankToNull(status.getCommit()),
                status.getObservedGeneration() == null ? 0 : status.getObservedGeneration(),
                status.getUpdateGeneration() == null ? 0 : status.getUpdateGeneration(),
                status.getGitJobStatus(),
                mode.mode(), mode.problem(), notAccepted(status),
                meta.getFinalizers() != null && meta.getFinalizers().contains(FleetConventions.GITREPO_FINALIZER));
    }

    private static String notAccepted(GitRepoStatus status) {
        return status.getConditions().stream()
                .filter(c -> ACCEPTED.equals(c.getType()) && "False".equals(c.getStatus()))
                .map(c -> c.getMessage() == null ? "" : c.getMessage()).findFirst().orElse(null);
    }

    /** Fleet's condition saying whether the GitRepo could be reconciled, and why not. */
    public static final String ACCEPTED = "Accepted";

    public static List<JobView> views(List<Job> jobs) {
        return jobs.stream().map(ClusterState::view).flatMap(Optional::stream).toList();
    }

    /**
     * The Jobs with what their Pods say: a Job Kubernetes counts active whose Pod cannot start is failed for
     * gitjob ({@link PodStartFailure}).
     */
    public static List<JobView> views(List<Job> jobs, Function<Job, List<Pod>> pods, Instant now,
            Duration unschedulableTimeout) {
        return jobs.stream().map(job -> view(job).map(v -> {
            if (v.phase() != JobPhase.RUNNING || v.deleting()) {
                return v;
            }
            return PodStartFailure.of(pods.apply(job), now, unschedulableTimeout)
                    .map(reason -> new JobView(v.name(), v.uid(), v.resourceVersion(), v.gitRepo(), v.commit(),
                            v.generation(), v.forceSyncGeneration(), JobPhase.FAILED, v.startTime(), null, reason,
                            v.failureReported(), false, v.traceparent(), true))
                    .orElse(v);
        })).flatMap(Optional::stream).toList();
    }

    /** A Job without a GitRepo controller ownerReference is not one of ours to act on: empty. */
    public static Optional<JobView> view(Job job) {
        return JobConventions.gitRepoOf(job).map(gitRepo -> {
            var meta = job.getMetadata();
            var status = job.getStatus();
            JobPhase phase = JobPhase.of(job);
            String failureReason = phase == JobPhase.FAILED
                    ? JobPhase.failedCondition(job).map(JobCondition::getReason).orElse("Failed")
                    : null;
            var annotations = meta.getAnnotations();
            return new JobView(meta.getName(), meta.getUid(), meta.getResourceVersion(), gitRepo,
                    annotations == null ? null : annotations.get(JobConventions.COMMIT_ANNOTATION),
                    JobConventions.number(meta.getLabels(), JobConventions.GITREPO_GENERATION_LABEL),
                    JobConventions.number(meta.getLabels(), JobConventions.FORCE_SYNC_GENERATION_LABEL),
                    phase,
                    status == null ? null : instant(status.getStartTime()),
                    status == null ? null : instant(status.getCompletionTime()),
                    failureReason,
                    annotations != null && "true".equals(annotations.get(FAILURE_REPORTED_ANNOTATION)),
                    meta.getDeletionTimestamp() != null,
                    annotations == null ? null : annotations.get(TRACEPARENT_ANNOTATION));
        });
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static Instant instant(String time) {
        if (time == null || time.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
