package io.gitjob.job;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.job.cluster.ClusterState;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Watches the Jobs gitjob manages ({@code app.kubernetes.io/managed-by=gitjob}) and hands each change of a
 * Job whose GitRepo this replica owns to the {@link JobReconciler}. When partitions are assigned it goes
 * over the Jobs of the newly owned GitRepos, so a Job that finished during a rebalance is not missed.
 */
@ApplicationScoped
public class JobWatch implements ResourceEventHandler<Job> {

    private static final Logger LOG = Logger.getLogger(JobWatch.class);

    @Inject
    KubernetesClient client;

    @Inject
    JobReconciler reconciler;

    @Inject
    PartitionOwnership ownership;

    /** How often the watch hands every Job in again, so a failed handling is retried. */
    @ConfigProperty(name = "gitjob.job.resync-period", defaultValue = "5m")
    Duration resyncPeriod;

    /** Finished Jobs handled at once (one GitRepo's never together: JobReconciler serialises them per GitRepo). */
    @ConfigProperty(name = "gitjob.job.completion-threads", defaultValue = "4")
    int completionThreads;

    private SharedIndexInformer<Job> informer;
    // Completions run here, not on the informer's one thread: deleting a succeeded Job takes a few API calls,
    // and a flood of finished Jobs would otherwise wait for them one Job at a time. Each handling reads the Job
    // fresh, so two changes of one Job handled out of order are harmless.
    private ExecutorService completions;
    // Sweeps run here, not on the Kafka consumer's thread that reports the assignment: a long sweep there
    // would hold up polling.
    private final ExecutorService sweeper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "job-watch-sweep");
        t.setDaemon(true);
        return t;
    });

    void start(@Observes StartupEvent event) {
        completions = Executors.newFixedThreadPool(Math.max(1, completionThreads), r -> {
            Thread t = new Thread(r, "job-watch-completion");
            t.setDaemon(true);
            return t;
        });
        informer = client.batch().v1().jobs().inAnyNamespace()
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .inform(this, resyncPeriod.toMillis());
        ownership.onAssigned(partitions -> sweeper.execute(() -> sweep(partitions)));
    }

    void stop(@Observes ShutdownEvent event) {
        sweeper.shutdownNow();
        if (informer != null) {
            informer.stop();
        }
        if (completions != null) {
            // Finish the completions in hand (a Job half deleted is finished on the next start's sweep anyway).
            completions.shutdown();
            try {
                completions.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void onAdd(Job job) {
        handle(job);
    }

    @Override
    public void onUpdate(Job old, Job job) {
        handle(job);
    }

    @Override
    public void onDelete(Job job, boolean deletedFinalStateUnknown) {
        // Nothing to do: gitjob deleted it, or someone else did and there is nothing left to report.
    }

    private void sweep(Set<Integer> partitions) {
        if (informer == null) {
            return;
        }
        informer.getStore().list().forEach(this::handle);
    }

    private void handle(Job job) {
        var gitRepo = JobConventions.gitRepoOf(job);
        if (gitRepo.isEmpty() || !ownership.owns(gitRepo.get().key())) {
            return;
        }
        var view = ClusterState.view(job);
        if (view.isEmpty() || view.get().running()) {
            return; // nothing to do for a running Job until its GitRepo moves on
        }
        GitRepoKey key = gitRepo.get().key();
        try {
            completions.execute(() -> complete(job, key));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debugf("Shutting down: Job %s/%s is left to the next start", job.getMetadata().getNamespace(),
                    job.getMetadata().getName());
        }
    }

    private void complete(Job job, GitRepoKey key) {
        // Asked again: the partition may have moved to another replica while the Job waited in the queue, and
        // that replica's sweep handles it now. Handled here as well, it would be reported twice.
        if (!ownership.owns(key)) {
            return;
        }
        try {
            reconciler.onJobChanged(job);
        } catch (RuntimeException e) {
            // The next resync (or rebalance) brings the Job back; a failure here must not stop the watch.
            LOG.errorf(e, "Handling Job %s/%s failed; retried on the next resync", job.getMetadata().getNamespace(),
                    job.getMetadata().getName());
        }
    }
}
