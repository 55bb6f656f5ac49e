package io.gitjob.metrics;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The periodic resync: every series of a GitRepo (namespace, name, uid) that the GitRepo informer's cache no
 * longer holds is dropped, even if its {@code gitrepo.deleted} event was never read (the watcher was down when it
 * went, the event was lost, or read before a restart that replayed older events), and every failed-Jobs count and
 * every GitRepo's {@code fleet_gitrepo_*} gauges are settled again. Only once the informers have synced: before that, an absent GitRepo may just not be listed yet.
 */
@ApplicationScoped
public class GitRepoResync {

    private static final Logger LOG = Logger.getLogger(GitRepoResync.class);

    @Inject
    ClusterInformers cluster;

    @Inject
    GitJobMetrics metrics;

    @Inject
    FailedJobsLevel failedJobs;

    @Inject
    GitRepoStatusLevel statusLevel;

    @ConfigProperty(name = "gitjob.metrics.resync-period")
    Duration period;

    @ConfigProperty(name = "gitjob.metrics.resync-min-event-age")
    Duration minEventAge;

    private final AtomicLong runs = new AtomicLong();
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent event) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("gitjob.metrics.resync-period must be positive, was " + period);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gitjob-metrics-resync");
            t.setDaemon(true);
            return t;
        });
        long millis = period.toMillis();
        timer.scheduleWithFixedDelay(this::runSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void runSafely() {
        try {
            resync();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Resync failed; tried again in %s", period);
        }
    }

    /**
     * One resync.
     *
     * @return the GitRepos whose series were dropped, or -1 when the informers have not synced yet
     */
    public int resync() {
        if (!cluster.synced()) {
            LOG.info("Resync skipped: the GitRepo and Job informers have not synced yet");
            return -1;
        }
        int dropped = metrics.dropAbsent(cluster::isLive, minEventAge);
        failedJobs.reconcile();
        statusLevel.reconcile();
        runs.incrementAndGet();
        if (dropped > 0) {
            LOG.infof("Resync: dropped the series of %d GitRepo(s) no longer in the cluster", dropped);
        }
        return dropped;
    }

    /** Resyncs done (the informers had synced). */
    public long runs() {
        return runs.get();
    }
}
