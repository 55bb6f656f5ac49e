package io.gitjob.metrics;

import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobPhase;
import io.gitjob.support.PartitionOwnership;

/**
 * {@code gitjob_failed_jobs_retained} as a level: for each GitRepo whose partition this replica owns, the number
 * of failed Jobs ({@link JobPhase#of}) in the cluster that the GitRepo controls, counted from the informers'
 * caches. It is counted again on every change of one of its Jobs or of the GitRepo, after every assignment and
 * at every resync, so it is right after a restart, a partition move or a {@code kubectl delete job}, however
 * events were delivered. Between a revocation and the next assignment the gauges stay as they are; the
 * assignment decides which go.
 *
 * <p>Thread-safe: one lock, so two threads never set one GitRepo's count from caches read in a different order.
 */
@ApplicationScoped
public class FailedJobsLevel {

    private static final Logger LOG = Logger.getLogger(FailedJobsLevel.class);

    @Inject
    ClusterInformers cluster;

    @Inject
    GitJobMetrics metrics;

    @Inject
    PartitionOwnership ownership;

    // Counting every owned GitRepo after an assignment runs here, not on the Kafka thread that reports it.
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gitjob-metrics-failed-jobs");
        t.setDaemon(true);
        return t;
    });

    /** Counts the failed Jobs of one GitRepo again (its Job or itself changed). */
    public synchronized void recompute(GitRepoKey key) {
        if (!ownership.owns(key)) {
            return; // another replica counts it; a partition that moves is settled by reconcile()
        }
        GitRepo gitRepo = cluster.gitRepo(key).orElse(null);
        GitRepoRef ref = gitRepo == null ? null : ClusterInformers.ref(gitRepo).orElse(null);
        if (ref == null) {
            metrics.removeFailedJobsRetained(key);
            return;
        }
        metrics.failedJobsRetained(ref, failedJobsOf(ref, cluster.jobsOf(key)));
    }

    /**
     * Every gauge settled again: those of GitRepos not owned here or not in the cluster go, every owned GitRepo's
     * count is set from the caches.
     */
    public synchronized void reconcile() {
        int removed = metrics.retainFailedJobsRetained(r -> ownership.owns(r.key()) && cluster.isLive(r));
        int counted = 0;
        for (GitRepo gitRepo : cluster.gitRepos()) {
            GitRepoRef ref = ClusterInformers.ref(gitRepo).orElse(null);
            if (ref != null && ownership.owns(ref.key())) {
                metrics.failedJobsRetained(ref, failedJobsOf(ref, cluster.jobsOf(ref.key())));
                counted++;
            }
        }
        LOG.debugf("Failed Jobs counted for %d owned GitRepo(s); %d gauge(s) removed", counted, removed);
    }

    /** {@link #reconcile()} on this class's own thread. */
    public void reconcileLater() {
        try {
            worker.execute(() -> {
                try {
                    reconcile();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Counting the failed Jobs failed; counted again at the next resync");
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Shutting down: failed Jobs not counted again");
        }
    }

    /** The rule: the failed Jobs among {@code jobs} whose controller is exactly this GitRepo (namespace, name, uid). */
    static int failedJobsOf(GitRepoRef gitRepo, Collection<Job> jobs) {
        int failed = 0;
        for (Job job : jobs) {
            boolean controlled = JobConventions.gitRepoOf(job).filter(gitRepo::equals).isPresent();
            if (controlled && JobPhase.of(job) == JobPhase.FAILED) {
                failed++;
            }
        }
        return failed;
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
