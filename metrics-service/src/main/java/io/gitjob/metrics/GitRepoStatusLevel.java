package io.gitjob.metrics;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.support.PartitionOwnership;

/**
 * Fleet's {@code fleet_gitrepo_*} gauges as a level: for each GitRepo whose partition this replica owns, the
 * values of its status in the informer's cache, set again on every change of the GitRepo, after every assignment
 * and at every resync, so no two replicas expose one GitRepo and a restart or a partition move leaves them
 * right. Thread-safe: one lock, so two threads never set one GitRepo's gauges from reads in a different order.
 */
@ApplicationScoped
public class GitRepoStatusLevel {

    private static final Logger LOG = Logger.getLogger(GitRepoStatusLevel.class);

    @Inject
    ClusterInformers cluster;

    @Inject
    GitJobMetrics metrics;

    @Inject
    PartitionOwnership ownership;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gitjob-metrics-gitrepo-status");
        t.setDaemon(true);
        return t;
    });

    /** Sets the gauges of one GitRepo again (it changed). */
    public synchronized void recompute(GitRepoKey key) {
        if (!ownership.owns(key)) {
            return; // another replica exposes it; a partition that moves is settled by reconcile()
        }
        GitRepo gitRepo = cluster.gitRepo(key).orElse(null);
        GitRepoRef ref = gitRepo == null ? null : ClusterInformers.ref(gitRepo).orElse(null);
        if (ref == null) {
            metrics.removeGitRepoStatus(key);
            return;
        }
        metrics.gitRepoStatus(ref, gitRepo);
    }

    /** Every GitRepo's gauges settled again: those not owned here or not in the cluster go, the rest are set. */
    public synchronized void reconcile() {
        int removed = metrics.retainGitRepoStatus(r -> ownership.owns(r.key()) && cluster.isLive(r));
        int set = 0;
        for (GitRepo gitRepo : cluster.gitRepos()) {
            GitRepoRef ref = ClusterInformers.ref(gitRepo).orElse(null);
            if (ref != null && ownership.owns(ref.key())) {
                metrics.gitRepoStatus(ref, gitRepo);
                set++;
            }
        }
        LOG.debugf("GitRepo status gauges set for %d owned GitRepo(s); %d removed", set, removed);
    }

    /** {@link #reconcile()} on this class's own thread (not the Kafka thread that reports an assignment). */
    public void reconcileLater() {
        try {
            worker.execute(() -> {
                try {
                    reconcile();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Setting the GitRepo status gauges failed; set again at the next resync");
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Shutting down: GitRepo status gauges not set again");
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
