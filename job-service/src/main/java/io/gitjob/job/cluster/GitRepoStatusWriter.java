package io.gitjob.job.cluster;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepoConditions;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.GitRepoStatusEdit;
import io.gitjob.job.decision.GitRepoView;

/**
 * Writes job-service's fields of a GitRepo's status through the status subresource: {@code commit},
 * {@code observedGeneration}, {@code updateGeneration}, {@code gitJobStatus}, {@code observedEventTime} and
 * the {@code Reconciling}, {@code Stalled} and {@code Ready} conditions. Other services' fields and
 * conditions are left as they are.
 */
@ApplicationScoped
public class GitRepoStatusWriter {

    @Inject
    KubernetesClient client;

    Clock clock = Clock.systemUTC();

    public void jobCreated(GitRepoRef ref, String jobName, String commit, long generation, long forceSync,
            Instant eventTime) {
        edit(ref, status -> {
            status.setObservedGeneration(generation);
            status.setUpdateGeneration(forceSync);
            status.setGitJobStatus(GitRepoView.IN_PROGRESS);
            status.setObservedEventTime(eventTime.toString());
            GitRepoConditions.set(status.getConditions(), "Reconciling", "True", "JobCreated",
                    "Job " + jobName + " applies commit " + commit, now());
            GitRepoConditions.set(status.getConditions(), "Stalled", "False", "JobCreated", "", now());
            GitRepoConditions.set(status.getConditions(), "Ready", "False", "Applying",
                    "Job " + jobName + " is applying commit " + commit, now());
        });
    }

    public void jobSucceeded(GitRepoRef ref, String jobName, String commit) {
        edit(ref, status -> {
            status.setCommit(commit);
            status.setGitJobStatus(GitRepoView.CURRENT);
            GitRepoConditions.set(status.getConditions(), "Reconciling", "False", "JobSucceeded", "", now());
            GitRepoConditions.set(status.getConditions(), "Stalled", "False", "JobSucceeded", "", now());
            GitRepoConditions.set(status.getConditions(), "Ready", "True", "JobSucceeded",
                    "commit " + commit + " applied by Job " + jobName, now());
        });
    }

    public void jobFailed(GitRepoRef ref, String jobName, String message) {
        edit(ref, status -> {
            status.setGitJobStatus(GitRepoView.FAILED);
            GitRepoConditions.set(status.getConditions(), "Reconciling", "False", "JobFailed", "", now());
            GitRepoConditions.set(status.getConditions(), "Stalled", "True", "JobFailed",
                    "Job " + jobName + " failed: " + message, now());
            GitRepoConditions.set(status.getConditions(), "Ready", "False", "JobFailed",
                    "Job " + jobName + " failed; it is kept for troubleshooting", now());
        });
    }

    private void edit(GitRepoRef ref, Consumer<GitRepoStatus> change) {
        GitRepoStatusEdit.edit(client, ref, change);
    }

    private String now() {
        return clock.instant().toString();
    }
}
