package io.gitjob.watcher.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoEvent.CommitSource;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.RepoSpec;
import io.gitjob.watcher.GitRepoTracker;
import io.gitjob.watcher.PublishFailedException;
import io.gitjob.watcher.events.GitRepoKubernetesEvents;
import io.gitjob.watcher.poll.RefSelection.Head;
import io.gitjob.watcher.webhook.RepoUrls;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Polls the remotes of the GitRepos this replica owns. One scheduler thread decides what is due; the
 * ls-remotes run on a bounded pool, so a slow or unreachable host holds up one fetch thread for at most the
 * fetch timeout, never the others. A GitRepo is polled at once when first owned or when its repo, branch,
 * revision or interval changed, then every interval plus jitter. A GitRepo with {@code disablePolling} is asked
 * once when first owned and again after each spec change or force sync, as Fleet's gitjob does, so it deploys
 * without a webhook.
 */
@ApplicationScoped
public class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class);

    @Inject
    GitRepoTracker tracker;

    @Inject
    RemoteHeads remote;

    @Inject
    GitCredentials credentials;

    @Inject
    PollingStatusWriter status;

    @Inject
    GitRepoKubernetesEvents kubernetesEvents;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "gitjob.watcher.default-polling-interval", defaultValue = "15s")
    Duration defaultInterval;

    @ConfigProperty(name = "gitjob.watcher.fetch-threads", defaultValue = "8")
    int fetchThreads;

    @ConfigProperty(name = "gitjob.watcher.scheduler-tick", defaultValue = "500ms")
    Duration tick;

    @ConfigProperty(name = "gitjob.watcher.status-refresh", defaultValue = "5m")
    Duration statusRefresh;

    Clock clock = Clock.systemUTC();
    DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private final Map<GitRepoKey, Entry> entries = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private ExecutorService fetchers;

    /** One GitRepo's schedule, for the spec it was made for. */
    static final class Entry {
        final GitRepoRef ref;
        final RepoSpec spec;
        volatile Instant due;
        volatile boolean inFlight;
        volatile StatusWrites.Written written;
        /** The generations the last check of a disablePolling GitRepo was made for. */
        volatile long generation;
        volatile long forceSyncGeneration;

        Entry(GitRepoState state, Instant due, StatusWrites.Written written) {
            this.ref = state.gitRepo();
            this.spec = state.spec();
            this.due = due;
            this.written = written;
            this.generation = state.generation();
            this.forceSyncGeneration = state.forceSyncGeneration();
        }
    }

    void start(@Observes StartupEvent event) {
        AtomicInteger n = new AtomicInteger();
        fetchers = Executors.newFixedThreadPool(fetchThreads, r -> daemon(r, "git-fetch-" + n.incrementAndGet()));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "poll-scheduler"));
        scheduler.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
        fetchers.shutdownNow();
    }

    /** Starts the fetches that are due; drops the schedules of GitRepos no longer owned. */
    void tick() {
        try {
            Instant now = clock.instant();
            List<GitRepoState> states = tracker.snapshot();
            Set<GitRepoKey> live = new HashSet<>();
            for (GitRepoState state : states) {
                GitRepoKey key = state.gitRepo().key();
                live.add(key);
                Entry entry = entries.get(key);
                if (entry != null && entry.inFlight) {
                    continue; // replaced, if it must be, once its poll is done: never two polls at once
                }
                if (entry == null || !entry.ref.uid().equals(state.gitRepo().uid())
                        || !sameSchedule(entry.spec, state.spec())) {
                    entry = new Entry(state, now, entry == null ? null : entry.written);
                    entries.put(key, entry);
                } else if (entry.spec.disablePolling() && (entry.generation != state.generation()
                        || entry.forceSyncGeneration != state.forceSyncGeneration())) {
                    // Fleet's reconciler asks the remote whenever a GitRepo without polling has no Job to run:
                    // after each spec change or force sync. So a force sync deploys the latest head.
                    entry.generation = state.generation();
                    entry.forceSyncGeneration = state.forceSyncGeneration();
                    entry.due = now;
                }
                if (entry.inFlight || now.isBefore(entry.due)) {
                    continue;
                }
                entry.inFlight = true;
                Entry polled = entry;
                fetchers.execute(() -> poll(polled));
            }
            entries.keySet().retainAll(live);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Poll scheduling failed; trying again in %s", tick);
        }
    }

    private void poll(Entry entry) {
        Instant triggered = clock.instant();
        // The one check of a GitRepo without polling is Fleet's reconciler's, not its polling job's: its failure
        // has another event reason.
        boolean oneCheck = entry.spec.disablePolling();
        boolean answered = false;
        long start = System.nanoTime();
        try {
            Head head = remote.head(entry.spec, credentials.forGitRepo(entry.ref.namespace(),
                    entry.spec.clientSecretName()));
            boolean detected;
            try {
                detected = tracker.commitFetched(entry.ref, entry.spec, head, seconds(start), CommitSource.POLL);
            } catch (PublishFailedException e) {
                // The fetch worked; Kafka did not take the event. The commit is still new to the watcher, so
                // the next poll publishes it: this is no fetch failure of the GitRepo.
                count("publish-failed");
                LOG.errorf("%s; retried on the next poll", e.getMessage());
                return;
            }
            answered = true;
            count(detected ? "detected" : "unchanged");
            if (detected) {
                kubernetesEvents.newCommit(entry.ref, head.commit());
            }
            // Fleet's GitPolling condition after a good poll: True, no reason, no message.
            writeStatus(entry, triggered, true, "", detected);
        } catch (Exception e) {
            double seconds = seconds(start);
            count("failed");
            LOG.warnf("Polling %s (%s) failed: %s", entry.ref.key(), RepoUrls.redact(entry.spec.repo()),
                    RepoUrls.redact(e.getMessage()));
            String message = RepoUrls.redact(String.valueOf(e.getMessage()));
            boolean current = true;
            try {
                current = tracker.fetchFailed(entry.ref, entry.spec, e, seconds);
            } catch (RuntimeException publishFailure) {
                LOG.errorf(publishFailure, "Could not publish the fetch failure of %s", entry.ref.key());
            }
            if (current) {
                if (oneCheck) {
                    kubernetesEvents.checkFailed(entry.ref, message);
                } else {
                    kubernetesEvents.pollFailed(entry.ref, message);
                }
            }
            writeStatus(entry, triggered, false, message, false);
        } finally {
            // A GitRepo without polling is asked again until one check went through (the remote or its Secret
            // may not be there yet, or the broker did not take the commit): otherwise it would wait for a webhook
            // that may never come, where Fleet asks again on every reconcile while it has no Job.
            entry.due = oneCheck && !answered
                    ? clock.instant().plus(PollSchedule.jittered(defaultInterval, random.getAsDouble()))
                    : PollSchedule.nextDue(clock.instant(), entry.spec, defaultInterval, random.getAsDouble())
                            .orElse(Instant.MAX);
            entry.inFlight = false;
        }
    }

    private void writeStatus(Entry entry, Instant triggered, boolean ok, String message, boolean detected) {
        Instant now = clock.instant();
        if (!StatusWrites.due(entry.written, ok, message, detected, now, statusRefresh)) {
            return;
        }
        try {
            status.polled(entry.ref, triggered, ok, message);
            entry.written = new StatusWrites.Written(ok, message, now);
        } catch (RuntimeException e) {
            LOG.warnf("Could not write the polling status of %s: %s", entry.ref.key(), e.getMessage());
        }
    }

    /** {@code gitjob_watcher_polls_total{outcome}}: shows polling is alive even when nothing changes. */
    private void count(String outcome) {
        registry.counter("gitjob.watcher.polls", "outcome", outcome).increment();
    }

    private static boolean sameSchedule(RepoSpec a, RepoSpec b) {
        return a.repo().equals(b.repo()) && java.util.Objects.equals(a.branch(), b.branch())
                && java.util.Objects.equals(a.revision(), b.revision())
                && java.util.Objects.equals(a.pollingInterval(), b.pollingInterval())
                && java.util.Objects.equals(a.clientSecretName(), b.clientSecretName())
                && a.disablePolling() == b.disablePolling();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
