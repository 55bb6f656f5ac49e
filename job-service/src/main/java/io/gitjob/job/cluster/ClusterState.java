package io.gitjob.job.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.job.decision.GitRepoView;
import io.gitjob.job.decision.JobView;

/**
 * What job-service observes in the cluster, read fresh from the API server for every decision (not from
 * an informer cache, which may lag behind the event being handled), and turned into the decision inputs.
 */
@ApplicationScoped
public class ClusterState {

    /** Set on a failed Job once its failure is published, so a resync or a restart never reports it twice. */
    public static final String FAILURE_REPORTED_ANNOTATION = "gitjob.io/failure-reported";

    @Inject
    KubernetesClient client;

    public Optional<GitRepo> gitRepo(String namespace, String name) {
        return Optional.ofNullable(client.resources(GitRepo.class).inNamespace(namespace).withName(name).get());
    }

    public Job job(String namespace, String name) {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    }

    /** The Jobs gitjob made for a GitRepo of this name (any uid: the decision tells them apart). */
    public List<Job> jobsOf(String namespace, String gitRepoName) {
        return client.batch().v1().jobs().inNamespace(namespace)
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .withLabel(JobConventions.GITREPO_LABEL, gitRepoName)
                .list().getItems();
    }

    public static Optional<GitRepoView> view(Optional<GitRepo> gitRepo) {
        return gitRepo.map(ClusterState::view);
    }

    public static GitRepoView view(GitRepo gitRepo) {
        var meta = gitRepo.getMetadata();
        var spec = gitRepo.getSpec();
        GitRepoStatus status = gitRepo.getStatus() == null ? new GitRepoStatus() : gitRepo.getStatus();
        return new GitRepoView(
                new io.gitjob.events.GitRepoRef(meta.getNamespace(), meta.getName(), meta.getUid()),
                spec == null ? null : spec.getRepo(),
                meta.getGeneration() == null ? 0 : meta.getGeneration(),
                spec == null || spec.getForceSyncGeneration() == null ? 0 : spec.getForceSyncGeneration(),
                spec != null && Boolean.TRUE.equals(spec.getPaused()),
                meta.getDeletionTimestamp() != null,
                status.getCommit(),
                status.getObservedGeneration() == null ? 0 : status.getObservedGeneration(),
                status.getUpdateGeneration() == null ? 0 : status.getUpdateGeneration(),
                status.getGitJobStatus(),
                instant(status.getObservedEventTime()));
    }

    /** A Job without a GitRepo ownerReference is not one of ours to act on: empty. */
    public static Optional<JobView> view(Job job) {
        return JobConventions.gitRepoOf(job).map(gitRepo -> {
            var meta = job.getMetadata();
            var status = job.getStatus();
            JobView.Phase phase = JobView.Phase.RUNNING;
            String failureReason = null;
            if (status != null && status.getSucceeded() != null && status.getSucceeded() >= 1) {
                phase = JobView.Phase.SUCCEEDED;
            } else if (status != null && ((status.getFailed() != null && status.getFailed() >= 1)
                    || failedCondition(job).isPresent())) {
                phase = JobView.Phase.FAILED;
                failureReason = failedCondition(job).map(JobCondition::getReason).orElse("Failed");
            }
            var annotations = meta.getAnnotations();
            return new JobView(meta.getName(), gitRepo,
                    annotations == null ? null : annotations.get(JobConventions.COMMIT_ANNOTATION),
                    JobConventions.number(meta.getLabels(), JobConventions.GITREPO_GENERATION_LABEL),
                    JobConventions.number(meta.getLabels(), JobConventions.FORCE_SYNC_GENERATION_LABEL),
                    phase,
                    status == null ? null : instant(status.getStartTime()),
                    status == null ? null : instant(status.getCompletionTime()),
                    failureReason,
                    annotations != null && "true".equals(annotations.get(FAILURE_REPORTED_ANNOTATION)),
                    meta.getDeletionTimestamp() != null,
                    Optional.ofNullable(instant(meta.getCreationTimestamp())).orElse(Instant.EPOCH));
        });
    }

    private static Optional<JobCondition> failedCondition(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
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
