package io.gitjob.watcher.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import io.gitjob.watcher.InvalidGitRepoException;
import io.gitjob.watcher.Observed;
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

    @ConfigProperty(name = "gitjob.watcher.fetch-tallies", defaultValue = "true")
    boolean tallies;

    @Inject
    io.gitjob.watcher.GitRepoWatch watch;

    Clock clock = Clock.systemUTC();
    DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private final Map<GitRepoKey, Entry> entries = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private ExecutorService fetchers;

    /**
     * One GitRepo's schedule, for the spec it was made for. Times are kept as nanoseconds since the epoch, not
     * {@link Instant}s: an entry per GitRepo lives as long as the GitRepo is owned, and each Instant is 24 bytes.
     */
    static final class Entry {
        final GitRepoRef ref;
        final RepoSpec spec;
        /** When the next poll is due ({@link #NEVER}: a GitRepo without polling, checked once). */
        volatile long due;
        volatile boolean inFlight;
        /**
         * The last status write (no {@link StatusWrites.Written} object and its Instant kept per GitRepo): its
         * time, {@link #NEVER} before the first.
         */
        private volatile long writtenAt = NEVER;
        private volatile boolean writtenOk;
        private volatile String writtenMessage;
        /** The generations the last check of a disablePolling GitRepo was made for. */
        volatile long generation;
        volatile long forceSyncGeneration;
        /** Failed ls-remotes in a row: the next one waits longer ({@link PollSchedule#backoff}). */
        volatile int failures;
        /** A webhook asked for a poll while one was in flight: another follows it at once. */
        volatile boolean again;
        /** The poll in flight, or the next one, was asked for by a webhook (the commit's source in its event). */
        volatile boolean byWebhook;
        /**
         * ls-remotes that found the known commit, not yet published; kept when the schedule is replaced. Null while
         * there are none. Only the poll or tally flush in flight changes it (never two at once, {@link #inFlight}).
         */
        volatile Tally tally;

        Entry(GitRepoState state, Instant due, StatusWrites.Written written) {
            this.ref = state.gitRepo();
            this.spec = state.spec();
            this.due = nanos(due);
            written(written);
            this.generation = state.generation();
            this.forceSyncGeneration = state.forceSyncGeneration();
        }

        StatusWrites.Written written() {
            long at = writtenAt;
            return at == NEVER ? null
                    : new StatusWrites.Written(writtenOk, writtenMessage, Instant.ofEpochSecond(0, at));
        }

        void written(StatusWrites.Written written) {
            if (written == null) {
                writtenAt = NEVER;
                return;
            }
            writtenOk = written.ok();
            writtenMessage = written.message();
            writtenAt = nanos(written.at());
        }
    }

    private static final long NEVER = Long.MAX_VALUE;

    static long nanos(Instant t) {
        if (t.equals(Instant.MAX)) {
            return NEVER;
        }
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    /**
     * The fetches of one GitRepo that found the same commit: their durations and times (nanoseconds since the
     * epoch) in two arrays. Made only while there are fetches to count (a GitRepo polled once an hour has none
     * between its polls). Guarded by itself.
     */
    static final class Tally {
        private double[] seconds;
        private long[] times;
        private int size;
        String commit;
        /**
         * The record being published: its id and how many of the first fetches it holds. Kept across tries, so a
         * record the broker took although its acknowledgement was lost is not counted twice (metrics-service knows
         * its id); fetches made meanwhile go in the next record.
         */
        String pendingId;
        int pendingCount;

        synchronized boolean due(Instant now, Duration period) {
            return size > 0 && nanos(now) - times[0] >= period.toNanos();
        }

        int size() {
            return size;
        }

        void add(double fetchSeconds, Instant at) {
            if (seconds == null) {
                seconds = new double[4];
                times = new long[4];
            } else if (size == seconds.length) {
                seconds = java.util.Arrays.copyOf(seconds, size * 2);
                times = java.util.Arrays.copyOf(times, size * 2);
            }
            seconds[size] = fetchSeconds;
            times[size] = nanos(at);
            size++;
        }

        /** Drops the fetch at {@code index}. */
        void remove(int index) {
            System.arraycopy(seconds, index + 1, seconds, index, size - index - 1);
            System.arraycopy(times, index + 1, times, index, size - index - 1);
            size--;
        }

        /** Drops the first {@code n} fetches; the arrays go with the last one. */
        void dropFirst(int n) {
            if (n >= size) {
                seconds = null;
                times = null;
                size = 0;
                return;
            }
            System.arraycopy(seconds, n, seconds, 0, size - n);
            System.arraycopy(times, n, times, 0, size - n);
            size -= n;
        }

        List<Double> firstSeconds(int n) {
            return java.util.Arrays.stream(seconds, 0, n).boxed().toList();
        }

        Instant firstTime() {
            return Instant.ofEpochSecond(0, times[0]);
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
        synchronized (entry) {
            entry.byWebhook = true;
            if (entry.inFlight) {
                entry.again = true; // taken by the poll's end (finish), under the same lock
                return;
            }
            entry.due = nanos(clock.instant());
        }
        ScheduledExecutorService s = scheduler;
        if (s != null) {
            s.execute(this::tick); // now, not at the next tick
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
                    Entry replaced = entry;
                    entry = new Entry(state, now, replaced == null ? null : replaced.written());
                    if (replaced != null && replaced.ref.uid().equals(state.gitRepo().uid())) {
                        entry.tally = replaced.tally; // its fetches were made: still counted
                    }
                    entries.put(key, entry);
                } else if (entry.generation != state.generation()
                        || entry.forceSyncGeneration != state.forceSyncGeneration()) {
                    // A spec change or force sync asks the remote at once: a GitRepo without polling as Fleet's
                    // reconciler asks it (so a force sync deploys the latest head), and one backing off so that a
                    // fix (a CA bundle, another Secret) is tried without waiting out the backoff.
                    entry.generation = state.generation();
                    entry.forceSyncGeneration = state.forceSyncGeneration();
                    entry.failures = 0;
                    entry.due = nanos(now);
                }
                Entry next = entry;
                synchronized (next) {
                    if (next.inFlight) {
                        continue;
                    }
                    if (nanos(now) < next.due) {
                        Tally tally = next.tally;
                        if (tally != null && tally.due(now, tallyInterval)) {
                            // A GitRepo polled less often than the tally period (webhooks, a long interval) or
                            // not at all any more has its fetches published all the same.
                            next.inFlight = true;
                            fetchers.execute(() -> publishTally(next));
                        }
                        continue;
                    }
                    next.inFlight = true;
                }
                fetchers.execute(() -> poll(next));
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
        boolean skipped = false;
        CommitSource source = entry.byWebhook ? CommitSource.WEBHOOK : CommitSource.POLL;
        entry.byWebhook = false;
        long start = System.nanoTime();
        try {
            Optional<GitRepo> live = watch.cachedGitRepo(entry.ref.key())
                    .filter(g -> entry.ref.uid().equals(g.getMetadata().getUid()));
            if (live.isEmpty() || !sameSource(live.get(), entry.spec)) {
                // Gone, re-created, or its repo, branch or revision edited since this schedule was made: the next
                // tick drops or replaces the schedule; a result now would be credited to the old source.
                answered = true;
                skipped = true;
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
                publishTallyNow(entry); // the fetches of the commit before, under that commit
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
            Instant due;
            if (skipped) {
                due = now.plus(tick);
            } else if (failed) {
                // A remote that keeps failing is asked less and less often (Fleet #3486), never less than its
                // interval; a success resets it. A GitRepo without polling is asked again the same way until one
                // check goes through: it would otherwise wait for a webhook that may never come.
                due = now.plus(PollSchedule.jittered(
                        PollSchedule.backoff(interval(entry, oneCheck), entry.failures, backoffMax),
                        random.getAsDouble()));
            } else if (oneCheck && !answered) {
                due = now.plus(PollSchedule.jittered(defaultInterval, random.getAsDouble()));
            } else {
                due = PollSchedule.nextDue(now, entry.spec, defaultInterval, random.getAsDouble())
                        .orElse(Instant.MAX);
            }
            finish(entry, due);
        }
    }

    /** The end of a poll or tally: a webhook that came meanwhile (pollNow saw it in flight) polls at once. */
    private void finish(Entry entry, Instant due) {
        synchronized (entry) {
            if (entry.again) {
                entry.again = false;
                entry.due = nanos(clock.instant());
            } else if (due != null) {
                entry.due = nanos(due);
            }
            entry.inFlight = false;
        }
    }

    /**
     * Whether the live GitRepo still names the source this schedule was made for, by the tracker's rule on the spec
     * as events carry it.
     */
    private static boolean sameSource(GitRepo live, RepoSpec spec) {
        try {
            return GitRepoTracker.sameSource(Observed.of(live).spec(), spec);
        } catch (InvalidGitRepoException e) {
            return false;
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
        if (!tallies) {
            return;
        }
        Tally tally = entry.tally;
        if (tally == null) {
            tally = new Tally();
            tally.commit = commit;
            entry.tally = tally;
        }
        synchronized (tally) {
            if (!commit.equals(tally.commit)) {
                publish(entry, tally); // another commit's: published under it first (dropped if that fails)
                tally.dropFirst(tally.size());
                tally.pendingId = null;
                tally.commit = commit;
            }
            if (tally.size() >= TALLY_LIMIT) {
                if (tally.pendingCount >= tally.size()) {
                    return; // the broker has been away for a thousand polls: this one goes uncounted
                }
                tally.remove(tally.pendingCount);
            }
            tally.add(seconds, at);
            if (tally.due(clock.instant(), tallyInterval)) {
                publish(entry, tally);
            }
        }
    }

    /** The tick's flush of a tally its polls did not flush (the GitRepo polled rarely or no more). */
    private void publishTally(Entry entry) {
        try {
            publishTallyNow(entry);
        } finally {
            finish(entry, null);
        }
    }

    private void publishTallyNow(Entry entry) {
        Tally tally = entry.tally;
        if (tally == null) {
            return;
        }
        synchronized (tally) {
            publish(entry, tally);
        }
    }

    /** Under the tally's lock. What it held is cleared when published or stale (the GitRepo gone, not owned). */
    private void publish(Entry entry, Tally tally) {
        if (tally.size() == 0) {
            return;
        }
        if (tally.pendingId == null) {
            tally.pendingId = java.util.UUID.randomUUID().toString();
            tally.pendingCount = tally.size();
        }
        int n = tally.pendingCount;
        try {
            tracker.headUnchanged(entry.ref, tally.pendingId, tally.commit, tally.firstTime(),
                    tally.firstSeconds(n));
            tally.dropFirst(n);
            tally.pendingId = null;
            tally.pendingCount = 0;
            if (tally.size() == 0 && entry.tally == tally) {
                entry.tally = null; // nothing left to count: a GitRepo polled rarely keeps no tally between polls
            }
        } catch (PublishFailedException e) {
            LOG.warnf("Could not publish the fetch tally of %s (%s); tried again later", entry.ref.key(),
                    e.getMessage());
        }
    }

    private static final int TALLY_LIMIT = 1000;

    private void writeStatus(Entry entry, Instant triggered, boolean ok, String message, boolean detected) {
        Instant now = clock.instant();
        StatusWrites.Written last = entry.written();
        if (detected && last != null && last.ok()) {
            // The commit's own write set lastPollingTriggered, and GitPolling is True already: one write a commit.
            entry.written(new StatusWrites.Written(true, "", now));
            return;
        }
        if (!StatusWrites.due(last, ok, message, detected, now, statusRefresh)) {
            return;
        }
        try {
            status.polled(entry.ref, triggered, ok, message);
            entry.written(new StatusWrites.Written(ok, message, now));
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
