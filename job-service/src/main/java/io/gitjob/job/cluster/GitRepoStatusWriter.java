package io.gitjob.job.cluster;

import java.time.Clock;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoConditions;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.GitRepoStatusEdit;
import io.gitjob.job.decision.GitRepoView;
import io.gitjob.events.UrlCredentials;

/**
 * Writes job-service's fields of a GitRepo's status through the status subresource, with Fleet's meaning:
 * {@code commit}, {@code observedGeneration} and {@code updateGeneration} name the current Job's state (set
 * when it is created), {@code gitJobStatus} where it is, and the {@code Reconciling}, {@code Stalled} and
 * {@code Ready} conditions say it in words. Other services' fields and conditions are left as they are.
 */
@ApplicationScoped
public class GitRepoStatusWriter {

    @Inject
    KubernetesClient client;

    @Inject
    ClusterCache cache;

    Clock clock = Clock.systemUTC();

    /**
     * @param ownsReady whether the Job's state is the GitRepo's readiness (standalone); in fleet mode Ready says
     *        whether its Bundles are ready, and is written from them
     */
    public GitRepo jobCreated(GitRepo seen, GitRepoRef ref, String jobName, String commit, long generation, long forceSync,
            boolean ownsReady) {
        return edit(seen, ref, status -> {
            names(status, commit, generation, forceSync);
            status.setGitJobStatus(GitRepoView.IN_PROGRESS);
            accepted(status);
            GitRepoConditions.set(status.getConditions(), "Reconciling", "True", "JobCreated",
                    "Job " + jobName + " applies commit " + commit, now());
            GitRepoConditions.set(status.getConditions(), "Stalled", "False", "JobCreated", "", now());
            if (ownsReady) {
                GitRepoConditions.set(status.getConditions(), "Ready", "False", "Applying",
                        "Job " + jobName + " is applying commit " + commit, now());
            }
        });
    }

    public GitRepo jobSucceeded(GitRepo seen, GitRepoRef ref, String jobName, String commit, long generation, long forceSync,
            boolean ownsReady) {
        return edit(seen, ref, status -> {
            names(status, commit, generation, forceSync);
            status.setGitJobStatus(GitRepoView.CURRENT);
            GitRepoConditions.set(status.getConditions(), "Reconciling", "False", "JobSucceeded", "", now());
            GitRepoConditions.set(status.getConditions(), "Stalled", "False", "JobSucceeded", "", now());
            if (ownsReady) {
                GitRepoConditions.set(status.getConditions(), "Ready", "True", "JobSucceeded",
                        "commit " + commit + " applied by Job " + jobName, now());
            }
        });
    }

    public GitRepo jobFailed(GitRepo seen, GitRepoRef ref, String jobName, String commit, long generation, long forceSync,
            String message, boolean ownsReady) {
        return edit(seen, ref, status -> {
            names(status, commit, generation, forceSync);
            status.setGitJobStatus(GitRepoView.FAILED);
            GitRepoConditions.set(status.getConditions(), "Reconciling", "False", "JobFailed", "", now());
            GitRepoConditions.set(status.getConditions(), "Stalled", "True", "JobFailed",
                    "Job " + jobName + " failed: " + UrlCredentials.redact(message), now());
            if (ownsReady) {
                GitRepoConditions.set(status.getConditions(), "Ready", "False", "JobFailed",
                        "Job " + jobName + " failed; it is kept for troubleshooting", now());
            }
        });
    }

    /** Fleet's Accepted=False, reason Error: the GitRepo cannot be reconciled as it is, and why. */
    public GitRepo notAccepted(GitRepo seen, GitRepoRef ref, String message) {
        return edit(seen, ref, status -> GitRepoConditions.set(status.getConditions(), ClusterState.ACCEPTED, "False", "Error",
                UrlCredentials.redact(message), now()));
    }

    /** Fleet's Accepted=True after a reconcile that went through: no reason, no message. */
    private void accepted(GitRepoStatus status) {
        GitRepoConditions.set(status.getConditions(), ClusterState.ACCEPTED, "True", "", "", now());
    }

    private static void names(GitRepoStatus status, String commit, long generation, long forceSync) {
        if (commit != null) {
            status.setCommit(commit);
        }
        status.setObservedGeneration(generation);
        status.setUpdateGeneration(forceSync);
    }

    /**
     * On the GitRepo as last seen (the cache's, or the one an earlier write of the same reconcile returned), so the
     * write is one PATCH; the caches are then expected to show it before the GitRepo is decided on again.
     *
     * @return the GitRepo as written, null when it is gone or was re-created
     */
    private GitRepo edit(GitRepo seen, GitRepoRef ref, Consumer<GitRepoStatus> change) {
        OwnWrites own = cache.ownWrites();
        own.writingGitRepo(ref.key());
        GitRepo written = null;
        try {
            written = GitRepoStatusEdit.edit(client, ref, seen, change).orElse(null);
        } finally {
            own.wroteGitRepo(ref.key(), written == seen ? null : written);
        }
        return written;
    }

    private String now() {
        return clock.instant().toString();
    }
}
