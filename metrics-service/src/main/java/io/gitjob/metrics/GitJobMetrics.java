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

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.gitjob.events.Event;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The recorder: turns each event into Fleet's gitjob metrics and owns every series it creates, so it alone
 * removes them: all of a GitRepo's series when it is deleted (or its partition moves to another replica),
 * and the short-lived duration gauge a TTL after its last set.
 *
 * <ul>
 * <li>An event of a GitRepo already deleted (same namespace, name and uid) creates nothing.</li>
 * <li>An event with another uid than the tracked GitRepo of that name: the one with the later event time is
 * the live GitRepo, the other one counts as deleted (events of the two topics may arrive out of order).</li>
 * <li>TTL: each set of the gauge puts (GitRepo, token) on the heap; at expiry an entry whose token is not the
 * gauge's last is stale and skipped, and the gauge goes only if its last set is at least a TTL old.</li>
 * </ul>
 *
 * Thread-safe: events (the consumer's thread), expiries (the TTL thread) and rebalances (the Kafka polling
 * thread) take one lock; scrapes read the meters without it.
 */
public final class GitJobMetrics implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GitJobMetrics.class);

    private final MeterRegistry registry;
    private final Duration ttl;
    private final Clock clock;
    private final SeriesIndex index;
    private final DeletedGitRepos deleted;
    private final TtlScheduler<GitRepoKey> ttlHeap;

    /** Partitions this replica consumes; events from any other one (left over from a rebalance) are ignored. */
    private final Set<TopicPartition> owned = new HashSet<>();
    /** Revoked and not yet known whether assigned again (eager rebalancing revokes everything first). */
    private final Set<TopicPartition> revoked = new HashSet<>();
    /** The highest offset recorded per partition: a record delivered again (after a rebalance) is skipped. */
    private final Map<TopicPartition, Long> recordedOffsets = new HashMap<>();

    private long nextToken;
    private long ignoredAfterDeletion;
    private long redelivered;
    private long staleExpiries;
    private long expiredGauges;
    private long lateGaugeSets;

    public GitJobMetrics(MeterRegistry registry, Duration shortLivedTtl, Clock clock, int deletedMaxEntries,
            Duration deletedMaxAge) {
        if (shortLivedTtl.isNegative() || shortLivedTtl.isZero()) {
            throw new IllegalArgumentException("the short-lived TTL must be positive, was " + shortLivedTtl);
        }
        this.registry = registry;
        this.ttl = shortLivedTtl;
        this.clock = clock;
        this.index = new SeriesIndex(registry);
        this.deleted = new DeletedGitRepos(deletedMaxEntries, deletedMaxAge, clock);
        this.ttlHeap = new TtlScheduler<>(clock, this::onExpiry);
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
            if (!owned.contains(from) && !revoked.contains(from)) {
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
            if (event.time().isBefore(series.lastEventTime) || !createsSeries(event)) {
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
        if (event.time().isAfter(series.lastEventTime)) {
            series.lastEventTime = event.time();
        }
        if (from != null) {
            series.partitions.add(from);
        }
        apply(series, event);
    }

    private static boolean createsSeries(Event event) {
        return event instanceof GitJobEvent.JobCreated || event instanceof GitJobEvent.JobCreationFailed
                || event instanceof GitJobEvent.JobSucceeded || event instanceof GitJobEvent.JobFailed
                || event instanceof GitRepoEvent.CommitDetected || event instanceof GitRepoEvent.CommitFetchFailed;
    }

    private void apply(SeriesIndex.Series series, Event event) {
        if (event instanceof GitJobEvent.JobCreated) {
            series.jobCreated();
        } else if (event instanceof GitJobEvent.JobCreationFailed) {
            series.jobCreationFailed();
        } else if (event instanceof GitJobEvent.JobSucceeded succeeded) {
            series.jobDuration(succeeded.durationSeconds());
            setJobDurationGauge(series, succeeded);
        } else if (event instanceof GitJobEvent.JobFailed failed) {
            series.jobFailed(failed.jobName());
        } else if (event instanceof GitJobEvent.JobDeleted jobDeleted) {
            series.jobDeleted(jobDeleted.jobName());
        } else if (event instanceof GitRepoEvent.CommitDetected detected) {
            series.fetchSucceeded(detected.fetchDurationSeconds());
        } else if (event instanceof GitRepoEvent.CommitFetchFailed) {
            series.fetchFailed();
        }
        // added, spec changed, force sync, job terminated: no metric
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
        deleted.remember(gitRepo);
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
        revoked.addAll(partitions);
    }

    /**
     * After a rebalance: the series of GitRepos whose partitions were revoked and not assigned again are
     * dropped, so no two replicas expose a GitRepo's series.
     */
    public synchronized void partitionsAssigned(Collection<TopicPartition> partitions) {
        Set<TopicPartition> lost = new HashSet<>(revoked);
        lost.removeAll(partitions);
        revoked.clear();
        owned.addAll(partitions);
        owned.removeAll(lost);
        dropFedFrom(lost);
    }

    public synchronized void partitionsLost(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        revoked.removeAll(partitions);
        dropFedFrom(partitions);
    }

    private void dropFedFrom(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        partitions.forEach(recordedOffsets::remove); // if it comes back, its records count again from zero
        List<GitRepoKey> keys = index.fedFrom(partitions);
        keys.forEach(index::drop); // not remembered as deleted: the GitRepo lives on, on another replica
        LOG.infof("Partitions %s moved away: dropped the series of %d GitRepo(s)", partitions, keys.size());
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

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        ttlHeap.close();
    }
}
