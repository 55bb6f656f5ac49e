package io.gitjob.job.readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.JobMode;
import io.gitjob.gitrepo.Shard;
import io.gitjob.job.JobReconciler;
import io.gitjob.job.mode.JobModes;
import io.gitjob.support.PartitionOwnership;
import io.gitjob.support.WorkQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Fleet's GitRepo status reconciler, for fleet mode: a GitRepo's readiness ({@link GitRepoReadiness}) computed
 * again whenever the GitRepo, one of its Bundles or one of its BundleDeployments changes, and on a periodic
 * resync, and written only when it differs from what the status says. It starts once the API server serves
 * Fleet's Bundles ({@link JobModes}' discovery, asked at startup and again until they are), and acts only on the GitRepos of this installation's shard whose
 * {@code gitrepo-events} partition this replica owns (the same ownership as the Job reconciler's), that are in
 * fleet mode, not being deleted and have a repo, as Fleet's does.
 */
@ApplicationScoped
public class ReadinessReconciler {

    private static final Logger LOG = Logger.getLogger(ReadinessReconciler.class);
    /** Wrangler stamps a condition to the second, in UTC. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ISO_INSTANT;

    @Inject
    KubernetesClient client;

    @Inject
    JobReconciler jobReconciler;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "gitjob.readiness.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "gitjob.readiness.workers", defaultValue = "2")
    int workers;

    @ConfigProperty(name = "gitjob.readiness.bundle-change-delay", defaultValue = "3s")
    Duration bundleChangeDelay;

    @ConfigProperty(name = "gitjob.readiness.resync-period", defaultValue = "5m")
    Duration resyncPeriod;

    @ConfigProperty(name = "gitjob.readiness.fleet-check-interval", defaultValue = "1m")
    Duration fleetCheckInterval;

    @ConfigProperty(name = "gitjob.readiness.retry.initial-backoff", defaultValue = "1s")
    Duration initialBackoff;

    @ConfigProperty(name = "gitjob.readiness.retry.max-backoff", defaultValue = "5m")
    Duration maxBackoff;

    @Inject
    JobModes jobModes;

    @ConfigProperty(name = Shard.CONFIG_KEY)
    Optional<String> shardId;

    @ConfigProperty(name = "gitjob.dry-run", defaultValue = "false")
    boolean dryRun;

    Clock clock = Clock.systemUTC();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "readiness-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile BundleCache cache;
    private volatile WorkQueue<GitRepoKey> queue;
    private ReadinessStatusWriter writer;

    @Inject
    io.gitjob.job.cluster.ClusterCache clusterCache;
    private Shard shard;
    private PartitionOwnership ownership;

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("Readiness from Bundles is off (gitjob.readiness.enabled=false)");
            return;
        }
        shard = new Shard(shardId.orElse(""));
        ownership = jobReconciler.ownership();
        writer = new ReadinessStatusWriter(client);
        timer.execute(this::startWhenFleetIsThere);
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
        WorkQueue<GitRepoKey> q = queue;
        if (q != null) {
            q.close(Duration.ofSeconds(10));
        }
        BundleCache c = cache;
        if (c != null) {
            c.stop();
        }
    }

    /** Whether the reconciler runs (Fleet's Bundles are served). */
    public boolean running() {
        return cache != null;
    }

    private void startWhenFleetIsThere() {
        try {
            jobModes.refresh();
        } catch (RuntimeException e) {
            LOG.warnf("Could not tell whether Fleet's Bundles are served (%s); asking again in %s", e.toString(),
                    fleetCheckInterval);
        }
        if (clusterCache.gitRepoInformer() == null) {
            later(this::startWhenFleetIsThere, Duration.ofSeconds(1)); // the Job reconciler's caches start first
            return;
        }
        if (!jobModes.bundlesServed()) {
            LOG.infof("No %s served: readiness from Bundles waits for Fleet; asking again in %s",
                    FleetConventions.BUNDLE_CRD, fleetCheckInterval);
            later(this::startWhenFleetIsThere, fleetCheckInterval);
            return;
        }
        WorkQueue<GitRepoKey> q = new WorkQueue<>("readiness", workers, initialBackoff, maxBackoff,
                this::reconcile).start();
        registry.gauge("gitjob.readiness.queue.depth", q, WorkQueue::depth);
        queue = q;
        BundleCache c = new BundleCache(client, shard, resyncPeriod, clusterCache.gitRepoInformer());
        // Bundles change in bursts (one per path, then one per cluster as agents report): Fleet waits a moment
        // so a burst makes one status write.
        c.start(this::trigger, key -> {
            if (ownership.owns(key)) {
                q.addAfter(key, bundleChangeDelay);
            }
        });
        cache = c;
        ownership.addListener(new PartitionOwnership.Listener() {
            @Override
            public void assigned(Set<Integer> partitions) {
                later(ReadinessReconciler.this::sweepWhenSynced, Duration.ZERO);
            }
        });
        sweepWhenSynced();
        LOG.infof("Readiness from Bundles on (%s served; shard %s)", FleetConventions.BUNDLE_CRD,
                shard.id().isEmpty() ? "default" : shard.id());
    }

    private void sweepWhenSynced() {
        BundleCache c = cache;
        if (c == null) {
            return;
        }
        if (!c.synced()) {
            later(this::sweepWhenSynced, Duration.ofSeconds(1));
            return;
        }
        c.gitRepoKeys().forEach(this::trigger);
    }

    private void later(Runnable task, Duration delay) {
        try {
            timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** A GitRepo needs its readiness looked at: queued if this replica owns it. */
    public void trigger(GitRepoKey key) {
        WorkQueue<GitRepoKey> q = queue;
        if (q != null && ownership.owns(key)) {
            q.add(key);
        }
    }

    void reconcile(GitRepoKey key) {
        if (!ownership.owns(key)) {
            return; // moved to another replica while queued
        }
        BundleCache c = cache;
        if (!c.synced()) {
            queue.addAfter(key, Duration.ofSeconds(1));
            return;
        }
        GitRepo gitRepo = c.gitRepo(key).orElse(null);
        if (!applies(gitRepo)) {
            return;
        }
        List<BundleView> bundles = c.bundlesOf(key);
        List<BundleDeploymentView> bundleDeployments = c.bundleDeploymentsOf(key);
        String now = STAMP.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        GitRepoStatus status = gitRepo.getStatus() == null ? new GitRepoStatus() : gitRepo.getStatus();
        if (!differs(status, GitRepoReadiness.compute(status, bundles, bundleDeployments, now))) {
            return;
        }
        GitRepoRef ref = new GitRepoRef(key.namespace(), key.name(), gitRepo.getMetadata().getUid());
        if (dryRun) {
            LOG.infof("%s: would write its readiness from %d Bundle(s) and %d BundleDeployment(s) (dry run)", key,
                    bundles.size(), bundleDeployments.size());
            return;
        }
        boolean written = writer.write(ref, gitRepo, s -> GitRepoReadiness.compute(s, bundles, bundleDeployments, now));
        LOG.debugf("%s: readiness %s from %d Bundle(s) and %d BundleDeployment(s)", key,
                written ? "written" : "not written (GitRepo gone)", bundles.size(), bundleDeployments.size());
    }

    /**
     * As Fleet's: only a GitRepo of this shard, not being deleted, with a repo; and here only one in fleet mode
     * (its annotation, else the installation's), since a kubectl-mode GitRepo has no Bundles to be ready from.
     */
    boolean applies(GitRepo gitRepo) {
        if (gitRepo == null || !shard.manages(gitRepo) || gitRepo.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        if (gitRepo.getSpec() == null || gitRepo.getSpec().getRepo() == null || gitRepo.getSpec().getRepo().isBlank()) {
            return false;
        }
        return jobModes.of(gitRepo).mode() == JobMode.FLEET;
    }

    /** Whether writing {@code readiness} would change {@code status} (compared as the JSON it is written as). */
    static boolean differs(GitRepoStatus status, GitRepoReadiness.Readiness readiness) {
        JsonNode before = BundleDeploymentView.MAPPER.valueToTree(status);
        GitRepoStatus after = BundleDeploymentView.MAPPER.convertValue(before, GitRepoStatus.class);
        readiness.writeTo(after);
        return !before.equals(BundleDeploymentView.MAPPER.valueToTree(after));
    }
}
