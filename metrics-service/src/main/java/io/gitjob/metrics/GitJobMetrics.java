package io.gitjob.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.gitjob.events.Event;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The recorder: turns each event into Fleet's gitjob metrics, takes {@code gitjob_failed_jobs_retained} as a
 * level counted from the cluster ({@link FailedJobsLevel}) and Fleet's {@code fleet_gitrepo_*} gauges from the
 * GitRepo's status ({@link GitRepoStatusLevel}), and owns every series, so it alone removes them: all
 * of a GitRepo's series when it is deleted (its {@code gitrepo.deleted} event, the informer's delete, or a resync
 * that no longer finds it), the event-fed ones when their partition moves to another replica, and the
 * short-lived duration gauge a TTL after its last set.
 *
 * <ul>
 * <li>An event of a GitRepo already deleted (same namespace, name and uid) creates nothing.</li>
 * <li>An event with another uid than the tracked GitRepo of that name: the one with the later event time is
 * the live GitRepo, the other one counts as deleted (events of the two topics may arrive out of order).</li>
 * <li>An event whose id is one of the last ids of its GitRepo (published again) is counted once; a record
 * read again at the same offset is skipped by its offset.</li>
 * <li>TTL: each set of the gauge puts (GitRepo, token) on the heap; at expiry an entry whose token is not the
 * gauge's last is stale and skipped, and the gauge goes only if its last set is at least a TTL old.</li>
 * <li>Rebalances: a partition revoked or lost is decided at the next assignment. Assigned back with no gap
 * (the consumer goes on at or before the offset after the last one read here) its series stay and what is read
 * again is skipped; otherwise (another replica consumed it meanwhile, or it went elsewhere) the series fed
 * from it are dropped and it counts from scratch.</li>
 * </ul>
 *
 * Thread-safe: events (the consumer's thread), expiries (the TTL thread), rebalances (the Kafka polling
 * thread), levels and resyncs (informer and resync threads) take one lock; scrapes read the meters without it.
 */
public final class GitJobMetrics implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GitJobMetrics.class);

    private final MeterRegistry registry;
    private final Duration ttl;
    private final Clock clock;
    private final SeriesIndex index;
    private final FailedJobsGauges failedJobs;
    private final GitRepoStatusGauges statusGauges;
    private final DeletedGitRepos deleted;
    private final TtlScheduler<GitRepoKey> ttlHeap;
    private final List<io.gitjob.metrics.exposition.GaugeFamily> gaugeFamilies;

    /** Partitions this replica consumes; events from any other one (left over from a rebalance) are ignored. */
    private final Set<TopicPartition> owned = new HashSet<>();
    /**
     * Revoked or lost, and not yet known whether assigned again (eager rebalancing revokes everything first; a
     * member that missed its session loses everything and usually gets the same partitions back).
     */
    private final Set<TopicPartition> pending = new HashSet<>();
    /**
     * The highest offset read per partition (recorded, or dead-lettered by the intake): a record at or below it
     * is one delivered again and is skipped; at an assignment, the offset after it is where a consumer that
     * nobody else stood in for goes on.
     */
    private final Map<TopicPartition, Long> recordedOffsets = new HashMap<>();

    private long nextToken;
    private long ignoredAfterDeletion;
    private long redelivered;
    private long duplicateIds;
    private long keptAcrossRebalance;
    private long staleExpiries;
    private long expiredGauges;
    private long lateGaugeSets;

    /** The default memory of event ids per GitRepo ({@code gitjob.metrics.recent-event-ids}). */
    public static final int DEFAULT_RECENT_EVENT_IDS = 64;

    public GitJobMetrics(MeterRegistry registry, Duration shortLivedTtl, Clock clock, int deletedMaxEntries,
            Duration deletedMaxAge) {
        this(registry, shortLivedTtl, clock, deletedMaxEntries, deletedMaxAge, DEFAULT_RECENT_EVENT_IDS);
    }

    /**
     * @param recentEventIds how many of each GitRepo's last event ids are remembered, to count an event published
     *        again under its id once
     */
    public GitJobMetrics(MeterRegistry registry, Duration shortLivedTtl, Clock clock, int deletedMaxEntries,
            Duration deletedMaxAge, int recentEventIds) {
        this(registry, shortLivedTtl, clock, deletedMaxEntries, deletedMaxAge, recentEventIds, true);
    }

    /**
     * @param histograms whether Fleet's two histograms ({@code fleet_gitjob_duration_seconds},
     *        {@code fleet_gitrepo_fetch_latest_commit_duration_seconds}) are kept at all
     *        ({@code gitjob.metrics.histograms}); the counters and the gauge are kept either way
     */
    public GitJobMetrics(MeterRegistry registry, Duration shortLivedTtl, Clock clock, int deletedMaxEntries,
            Duration deletedMaxAge, int recentEventIds, boolean histograms) {
        if (shortLivedTtl.isNegative() || shortLivedTtl.isZero()) {
            throw new IllegalArgumentException("the short-lived TTL must be positive, was " + shortLivedTtl);
        }
        this.registry = registry;
        this.ttl = shortLivedTtl;
        this.clock = clock;
        this.index = new SeriesIndex(registry, recentEventIds, histograms);
        this.failedJobs = new FailedJobsGauges();
        this.statusGauges = new GitRepoStatusGauges();
        this.deleted = new DeletedGitRepos(deletedMaxEntries, deletedMaxAge, clock);
        this.ttlHeap = new TtlScheduler<>(clock, this::onExpiry);
        List<io.gitjob.metrics.exposition.GaugeFamily> families = new java.util.ArrayList<>(statusGauges.families());
        families.add(failedJobs);
        this.gaugeFamilies = List.copyOf(families);
    }

    /** Starts the thread that removes short-lived gauges on time. */
    public GitJobMetrics start() {
        ttlHeap.start("gitjob-metrics-ttl");
        return this;
    }

    /** Records an event that did not come from Kafka (tests, benchmarks): no partition or offset check. */
    public void record(Event event) {
        record(event, null, -1);
    }

    /**
     * Records one event read from Kafka.
     *
     * @param from where the event was read; events of a partition this replica no longer owns are ignored
     * @param offset its offset: a record at or below the highest offset recorded from that partition is one
     *        delivered again (at least once delivery after a rebalance) and is not counted twice
     */
    public synchronized void record(Event event, TopicPartition from, long offset) {
        if (from != null) {
            if (!owned.contains(from) && !pending.contains(from)) {
                LOG.debugf("Ignored %s of %s: partition %s is not this replica's", event.type(), event.key(), from);
                return;
            }
            Long recorded = recordedOffsets.get(from);
            if (recorded != null && offset <= recorded) {
                redelivered++;
                return;
            }
            recordedOffsets.put(from, offset);
        }
        GitRepoRef gitRepo = event.gitRepo();
        if (deleted.contains(gitRepo)) {
            ignoredAfterDeletion++;
            LOG.debugf("Ignored %s of %s (uid %s): that GitRepo is deleted", event.type(), event.key(),
                    gitRepo.uid());
            return;
        }
        SeriesIndex.Series series = index.get(gitRepo.key());
        if (series != null && !series.gitRepo.uid().equals(gitRepo.uid())) {
            if (event.time().isBefore(series.lastEventTime) || !ofLiveGitRepo(event)) {
                // An event of an earlier GitRepo of this name, read after its successor's events; or one that
                // only tells of another GitRepo's leftovers (the janitor deleting an orphan Job of a deleted
                // GitRepo of the same name): neither may touch the live GitRepo's series.
                deleted.remember(gitRepo);
                ignoredAfterDeletion++;
                return;
            }
            // The tracked GitRepo was deleted and re-created; its deletion has not been read yet.
            drop(series.gitRepo);
            series = null;
        }
        if (event instanceof GitRepoEvent.Deleted) {
            drop(gitRepo);
            return;
        }
        if (series == null && !createsSeries(event)) {
            return;
        }
        if (series == null) {
            series = index.getOrCreate(gitRepo, event.time());
        }
        if (!series.recentEventIds.add(event.eventId())) {
            duplicateIds++;
            LOG.debugf("Ignored %s %s of %s: its id was counted already", event.type(), event.eventId(),
                    event.key());
            return;
        }
        if (event.time().isAfter(series.lastEventTime)) {
            series.lastEventTime = event.time();
        }
        if (from != null) {
            series.partitions.add(from);
        }
        apply(series, event);
    }

    /**
     * Notes that the record at {@code offset} was read, whatever became of it (recorded, skipped, or
     * dead-lettered by the intake without reaching {@link #record}), so a record the intake dead-lettered is not
     * taken for a gap at the next assignment.
     */
    public synchronized void read(TopicPartition from, long offset) {
        if (owned.contains(from) || pending.contains(from)) {
            recordedOffsets.merge(from, offset, Math::max);
        }
    }

    /**
     * Events that only the live GitRepo of a name has: its own Jobs' creation, outcome, and its fetches. (A Job
     * deleted or terminated may be a leftover of an earlier GitRepo of that name.)
     */
    private static boolean ofLiveGitRepo(Event event) {
        return createsSeries(event) || event instanceof GitJobEvent.JobFailed;
    }

    private static boolean createsSeries(Event event) {
        return event instanceof GitJobEvent.JobCreated || event instanceof GitJobEvent.JobCreationFailed
                || event instanceof GitJobEvent.JobSucceeded || event instanceof GitRepoEvent.CommitDetected
                || event instanceof GitRepoEvent.CommitFetchFailed || event instanceof GitRepoEvent.HeadUnchanged;
    }

    private void apply(SeriesIndex.Series series, Event event) {
        if (event instanceof GitJobEvent.JobCreated) {
            series.jobCreated();
        } else if (event instanceof GitJobEvent.JobCreationFailed) {
            series.jobCreationFailed();
        } else if (event instanceof GitJobEvent.JobSucceeded succeeded) {
            series.jobDuration(succeeded.durationSeconds());
            setJobDurationGauge(series, succeeded);
        } else if (event instanceof GitRepoEvent.CommitDetected detected) {
            // Every commit detected is an ls-remote's (a webhook only asks for one). Older records may carry a
            // webhook's own commit, with no fetch behind it (0 s): that is no fetch to count.
            if (detected.source() == GitRepoEvent.CommitSource.POLL || detected.fetchDurationSeconds() > 0) {
                series.fetchSucceeded(detected.fetchDurationSeconds());
            }
        } else if (event instanceof GitRepoEvent.HeadUnchanged unchanged) {
            unchanged.fetchDurationsSeconds().forEach(series::fetchSucceeded);
        } else if (event instanceof GitRepoEvent.CommitFetchFailed) {
            series.fetchFailed();
        }
        // added, spec changed, force sync, job failed, terminated, deleted: no event-fed metric (the failed Jobs
        // kept are counted from the cluster)
    }

    /**
     * The gauge lives one TTL from the Job's success, not from the moment this replica reads it: an event read
     * again (a replay from offset 0, a replica taking over a partition) or read late must not bring back a
     * gauge that has expired already. A time ahead of this clock (clock skew) counts from now.
     */
    private void setJobDurationGauge(SeriesIndex.Series series, GitJobEvent.JobSucceeded succeeded) {
        Instant now = clock.instant();
        Instant setAt = succeeded.time().isBefore(now) ? succeeded.time() : now;
        Instant expiresAt = setAt.plus(ttl);
        if (!expiresAt.isAfter(now)) {
            lateGaugeSets++;
            return;
        }
        long token = ++nextToken;
        series.setJobDurationGauge(succeeded.durationSeconds(), token, setAt);
        ttlHeap.schedule(series.gitRepo.key(), token, expiresAt);
    }

    /** Removes every series of the GitRepo at once and remembers it as deleted. */
    private void drop(GitRepoRef gitRepo) {
        SeriesIndex.Series series = index.get(gitRepo.key());
        if (series != null && series.gitRepo.uid().equals(gitRepo.uid())) {
            int meters = index.drop(gitRepo.key());
            LOG.debugf("Dropped %d meter(s) of deleted GitRepo %s", meters, gitRepo.key());
        }
        failedJobs.remove(gitRepo);
        statusGauges.remove(gitRepo);
        deleted.remember(gitRepo);
    }

    /**
     * The GitRepo is gone from the cluster (the informer saw it deleted): every series of it goes at once, as on
     * its {@code gitrepo.deleted} event, which may come later or never.
     */
    public synchronized void gitRepoDeleted(GitRepoRef gitRepo) {
        drop(gitRepo);
    }

    /**
     * The informer shows the GitRepo live: whatever was remembered of it is no deletion. A GitRepo that left this
     * installation's shard looked deleted here; labelled back, it is tracked again at once, not after
     * {@code deleted-gitrepos.max-age}.
     */
    public synchronized void gitRepoPresent(GitRepoRef gitRepo) {
        deleted.forget(gitRepo);
    }

    public synchronized boolean isDeleted(GitRepoRef gitRepo) {
        return deleted.contains(gitRepo);
    }

    // Levels from the cluster.

    /**
     * Sets {@code gitjob_failed_jobs_retained} of the GitRepo to the number of its failed Jobs in the cluster.
     * Nothing for a GitRepo remembered as deleted (the informer's cache may still hold it for a moment).
     */
    public synchronized void failedJobsRetained(GitRepoRef gitRepo, int failed) {
        if (deleted.contains(gitRepo)) {
            failedJobs.remove(gitRepo);
            return;
        }
        failedJobs.set(gitRepo, failed);
    }

    /** Removes the failed-Jobs gauge of that GitRepo name, whatever its uid (the GitRepo is not in the cache). */
    public synchronized void removeFailedJobsRetained(GitRepoKey key) {
        failedJobs.remove(key);
    }

    /** Removes the failed-Jobs gauges of the GitRepos {@code keep} rejects (not owned here, or not live). */
    public synchronized int retainFailedJobsRetained(Predicate<GitRepoRef> keep) {
        return failedJobs.retain(keep);
    }

    /**
     * Sets Fleet's {@code fleet_gitrepo_*} gauges of the GitRepo from its status (none when it has no readiness).
     * Nothing for a GitRepo remembered as deleted.
     */
    public synchronized void gitRepoStatus(GitRepoRef ref, io.gitjob.gitrepo.GitRepo gitRepo) {
        if (deleted.contains(ref)) {
            statusGauges.remove(ref);
            return;
        }
        statusGauges.set(ref, gitRepo);
    }

    /** Removes the {@code fleet_gitrepo_*} gauges of that GitRepo name, whatever its uid. */
    public synchronized void removeGitRepoStatus(GitRepoKey key) {
        statusGauges.remove(key);
    }

    /** Removes the {@code fleet_gitrepo_*} gauges of the GitRepos {@code keep} rejects (not owned, not live). */
    public synchronized int retainGitRepoStatus(Predicate<GitRepoRef> keep) {
        return statusGauges.retain(keep);
    }

    /**
     * The resync: drops every series of each GitRepo that {@code live} says no longer exists, even though its
     * {@code gitrepo.deleted} was never read. Event-fed series go only if their last event is at least
     * {@code minEventAge} old: a GitRepo created a moment ago can have its first events read before the
     * informer has seen it. Not remembered as deleted (the cache may lag; a late event creates the series again
     * and the next resync drops them again).
     *
     * @return how many GitRepos lost series (event-fed, failed-Jobs gauge, or both)
     */
    public synchronized int dropAbsent(Predicate<GitRepoRef> live, Duration minEventAge) {
        Instant before = clock.instant().minus(minEventAge);
        Set<GitRepoRef> dropped = new HashSet<>();
        for (GitRepoRef gitRepo : index.gitRepos()) {
            SeriesIndex.Series series = index.get(gitRepo.key());
            if (!live.test(gitRepo) && !series.lastEventTime.isAfter(before)) {
                index.drop(gitRepo.key());
                dropped.add(gitRepo);
            }
        }
        Predicate<GitRepoRef> keepLive = gitRepo -> {
            if (live.test(gitRepo)) {
                return true;
            }
            dropped.add(gitRepo);
            return false;
        };
        failedJobs.retain(keepLive);
        statusGauges.retain(keepLive);
        return dropped.size();
    }

    /** A heap entry is due: remove the gauge if that entry is the gauge's last set and that set is a TTL old. */
    private synchronized void onExpiry(TtlScheduler.Entry<GitRepoKey> entry) {
        SeriesIndex.Series series = index.get(entry.key());
        if (series == null || !series.hasJobDurationGauge() || series.gaugeToken != entry.token()) {
            staleExpiries++; // GitRepo dropped, gauge gone already, or set again later (a newer entry waits)
            return;
        }
        Instant expiresAt = series.gaugeSetAt.plus(ttl);
        Instant now = clock.instant();
        if (now.isBefore(expiresAt)) {
            ttlHeap.schedule(entry.key(), entry.token(), expiresAt); // the clock disagrees: not yet
            return;
        }
        series.removeJobDurationGauge();
        expiredGauges++;
    }

    /** Removes the gauges whose TTL is over at {@code now}; the TTL thread calls it, tests may too. */
    public int expireDue(Instant now) {
        return ttlHeap.expireDue(now);
    }

    // Partition ownership, from the consumer's rebalance listener.

    public synchronized void partitionsRevoked(Collection<TopicPartition> partitions) {
        pending.addAll(partitions);
    }

    /**
     * Kafka reports every partition of a member that missed its session (a heartbeat late on a busy machine) as
     * lost, and usually assigns the same ones back at once. Dropping their series here would restart them from
     * the committed offset, short of what was counted; so a lost partition waits for the next assignment, as a
     * revoked one does.
     */
    public synchronized void partitionsLost(Collection<TopicPartition> partitions) {
        pending.addAll(partitions);
        LOG.infof("Partitions %s lost; their series are kept or dropped at the next assignment", partitions);
    }

    /**
     * After a rebalance. A partition revoked or lost and not assigned again: the series of its GitRepos are
     * dropped, so no two replicas expose them. One assigned (again): its series stay only if the consumer goes on
     * where this replica stopped reading ({@code positions}, the consumer's position after the assignment, at or
     * before the offset after the last one read here), so nothing was counted elsewhere meanwhile; otherwise they
     * are dropped and it counts from scratch. Records below the position, still in flight from an earlier
     * assignment, are skipped.
     *
     * @param positions each assigned partition's position; one missing (it could not be read) counts as a gap
     */
    public synchronized void partitionsAssigned(Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> positions) {
        Set<TopicPartition> gone = new HashSet<>(pending);
        gone.removeAll(partitions);
        Set<TopicPartition> gapped = new HashSet<>();
        for (TopicPartition tp : partitions) {
            Long read = recordedOffsets.get(tp);
            if (read == null) {
                continue; // nothing read from it here: nothing to keep
            }
            Long position = positions.get(tp);
            if (position == null || position > read + 1) {
                gapped.add(tp);
            } else {
                keptAcrossRebalance++;
            }
        }
        pending.clear();
        owned.addAll(partitions);
        owned.removeAll(gone);
        dropFedFrom(gone, "moved away");
        dropFedFrom(gapped, "were consumed elsewhere meanwhile");
        for (TopicPartition tp : partitions) {
            Long position = positions.get(tp);
            if (position != null) {
                recordedOffsets.merge(tp, position - 1, Math::max);
            }
        }
    }

    private void dropFedFrom(Collection<TopicPartition> partitions, String why) {
        if (partitions.isEmpty()) {
            return;
        }
        partitions.forEach(recordedOffsets::remove); // if it comes back, its records count again from zero
        List<GitRepoKey> keys = index.fedFrom(partitions);
        keys.forEach(index::drop); // not remembered as deleted: the GitRepo lives on, on another replica
        LOG.infof("Partitions %s %s: dropped the series of %d GitRepo(s)", partitions, why, keys.size());
    }

    // What tests and benchmarks look at.

    public synchronized int gitRepoCount() {
        return index.size();
    }

    public synchronized long ignoredAfterDeletion() {
        return ignoredAfterDeletion;
    }

    public synchronized long redelivered() {
        return redelivered;
    }

    /** Events not counted because their id was counted already (published again). */
    public synchronized long duplicateIds() {
        return duplicateIds;
    }

    /** Partitions assigned back whose series were kept (no gap). */
    public synchronized long keptAcrossRebalance() {
        return keptAcrossRebalance;
    }

    public synchronized int failedJobsGauges() {
        return failedJobs.size();
    }

    /** GitRepos with Fleet's {@code fleet_gitrepo_*} gauges. */
    public synchronized int gitRepoStatusGauges() {
        return statusGauges.size();
    }

    public synchronized long staleExpiries() {
        return staleExpiries;
    }

    public synchronized long expiredGauges() {
        return expiredGauges;
    }

    /** Successes read after their gauge's TTL was over (late, or replayed): recorded in the histogram only. */
    public synchronized long lateGaugeSets() {
        return lateGaugeSets;
    }

    public synchronized int deletedRemembered() {
        return deleted.size();
    }

    public int heapSize() {
        return ttlHeap.size();
    }

    /**
     * The gauge families this recorder keeps outside the registry (Fleet's status levels and the failed Jobs
     * retained), for the exposition to write with the meters ({@code MeterExposition}).
     */
    public List<io.gitjob.metrics.exposition.GaugeFamily> gaugeFamilies() {
        return gaugeFamilies;
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        ttlHeap.close();
    }
}
