package io.gitjob.watcher.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import io.gitjob.gitrepo.GitRepo;
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

    @ConfigProperty(name = "gitjob.watcher.polling-backoff-max", defaultValue = "10m")
    Duration backoffMax;

    @ConfigProperty(name = "gitjob.watcher.fetch-tally-interval", defaultValue = "1m")
    Duration tallyInterval;

    @Inject
    io.gitjob.watcher.GitRepoWatch watch;

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
        /** Failed ls-remotes in a row: the next one waits longer ({@link PollSchedule#backoff}). */
        volatile int failures;
        /** A webhook asked for a poll while one was in flight: another follows it at once. */
        volatile boolean again;
        /** The poll in flight, or the next one, was asked for by a webhook (the commit's source in its event). */
        volatile boolean byWebhook;
        /** ls-remotes since {@link #tallySince} that found the known commit, not yet published. */
        final List<Double> unchanged = new ArrayList<>();
        volatile Instant tallySince;
        volatile String tallyCommit;

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

    /**
     * A webhook said the GitRepo's branch moved: its poll is due now (the commit deployed is the head this poll
     * resolves, never the webhook's, so an old or replayed delivery cannot move it back). A poll in flight may have
     * asked the remote before the push, so another one follows it.
     */
    public void pollNow(GitRepoKey key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return; // not owned here, or not scheduled yet: a first poll is made at once anyway
        }
        entry.byWebhook = true;
        if (entry.inFlight) {
            entry.again = true;
        } else {
            entry.due = clock.instant();
            ScheduledExecutorService s = scheduler;
            if (s != null) {
                s.execute(this::tick); // now, not at the next tick
            }
        }
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
        boolean failed = false;
        CommitSource source = entry.byWebhook ? CommitSource.WEBHOOK : CommitSource.POLL;
        entry.byWebhook = false;
        long start = System.nanoTime();
        try {
            Optional<GitRepo> live = watch.cachedGitRepo(entry.ref.key())
                    .filter(g -> entry.ref.uid().equals(g.getMetadata().getUid()));
            if (live.isEmpty()) {
                answered = true; // gone or re-created: the next tick drops or replaces this schedule
                return;
            }
            Head head = remote.head(live.get(), entry.spec, credentials.forGitRepo(live.get()));
            boolean detected;
            try {
                detected = tracker.commitFetched(entry.ref, entry.spec, head, seconds(start), source);
            } catch (PublishFailedException e) {
                // The fetch worked; Kafka did not take the event. The commit is still new to the watcher, so
                // the next poll publishes it: this is no fetch failure of the GitRepo.
                count("publish-failed");
                LOG.errorf("%s; retried on the next poll", e.getMessage());
                return;
            }
            answered = true;
            entry.failures = 0;
            count(detected ? "detected" : "unchanged");
            if (detected) {
                kubernetesEvents.newCommit(entry.ref, head.commit());
            } else {
                tally(entry, head.commit(), triggered, seconds(start));
            }
            // Fleet's GitPolling condition after a good poll: True, no reason, no message.
            writeStatus(entry, triggered, true, "", detected);
        } catch (Exception e) {
            double seconds = seconds(start);
            failed = true;
            int failures = ++entry.failures;
            count("failed");
            String error = RepoUrls.redact(String.valueOf(e.getMessage()));
            Duration wait = PollSchedule.backoff(interval(entry, oneCheck), failures, backoffMax);
            LOG.warnf("Polling %s (%s) failed %d time(s) in a row, next in %s: %s", entry.ref.key(),
                    entry.spec.repo(), failures, wait, error);
            boolean current = true;
            try {
                current = tracker.fetchFailed(entry.ref, entry.spec, e, seconds);
            } catch (RuntimeException publishFailure) {
                LOG.errorf(publishFailure, "Could not publish the fetch failure of %s", entry.ref.key());
            }
            if (current) {
                if (oneCheck) {
                    kubernetesEvents.checkFailed(entry.ref, error);
                } else {
                    kubernetesEvents.pollFailed(entry.ref, error);
                }
            }
            writeStatus(entry, triggered, false, PollSchedule.failureMessage(error, failures, wait), false);
        } finally {
            Instant now = clock.instant();
            if (entry.again) {
                entry.again = false;
                entry.due = now;
            } else if (failed) {
                // A remote that keeps failing is asked less and less often (Fleet #3486), never less than its
                // interval; a success resets it. A GitRepo without polling is asked again the same way until one
                // check goes through: it would otherwise wait for a webhook that may never come.
                entry.due = now.plus(PollSchedule.jittered(
                        PollSchedule.backoff(interval(entry, oneCheck), entry.failures, backoffMax),
                        random.getAsDouble()));
            } else if (oneCheck && !answered) {
                entry.due = now.plus(PollSchedule.jittered(defaultInterval, random.getAsDouble()));
            } else {
                entry.due = PollSchedule.nextDue(now, entry.spec, defaultInterval, random.getAsDouble())
                        .orElse(Instant.MAX);
            }
            entry.inFlight = false;
        }
    }

    private Duration interval(Entry entry, boolean oneCheck) {
        return oneCheck ? defaultInterval : PollSchedule.interval(entry.spec.pollingInterval(), defaultInterval);
    }

    /**
     * One more ls-remote that found the known commit, published with the others of the tally period: Fleet's
     * fetch metrics count every ls-remote. Kept for the next try when the broker does not take it (at most
     * {@link #TALLY_LIMIT} fetches, the oldest dropped first).
     */
    private void tally(Entry entry, String commit, Instant at, double seconds) {
        synchronized (entry.unchanged) {
            if (!commit.equals(entry.tallyCommit)) {
                entry.unchanged.clear();
                entry.tallyCommit = commit;
            }
            if (entry.unchanged.isEmpty()) {
                entry.tallySince = at;
            }
            if (entry.unchanged.size() >= TALLY_LIMIT) {
                entry.unchanged.remove(0);
            }
            entry.unchanged.add(seconds);
            if (clock.instant().isBefore(entry.tallySince.plus(tallyInterval))) {
                return;
            }
            try {
                tracker.headUnchanged(entry.ref, entry.spec, commit, entry.tallySince, List.copyOf(entry.unchanged));
                entry.unchanged.clear();
            } catch (PublishFailedException e) {
                LOG.warnf("Could not publish the fetch tally of %s (%s); kept for the next poll", entry.ref.key(),
                        e.getMessage());
            }
        }
    }

    private static final int TALLY_LIMIT = 1000;

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
