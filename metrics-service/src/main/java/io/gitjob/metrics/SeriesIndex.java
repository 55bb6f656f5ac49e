package io.gitjob.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Every event-fed series metrics-service holds, indexed by GitRepo (namespace, name): dropping a GitRepo removes
 * its meters (at most seven) straight from its entry, whatever the number of GitRepos, never by scanning the
 * registry. ({@code gitjob_failed_jobs_retained} is a level from the cluster, in {@link FailedJobsGauges}.)
 * Not thread-safe: {@link GitJobMetrics} guards it.
 */
final class SeriesIndex {

    private final MeterRegistry registry;
    private final int recentEventIds;
    private final boolean histograms;
    private final Map<GitRepoKey, Series> byGitRepo = new HashMap<>();

    /**
     * @param histograms whether the two Fleet histograms get series at all ({@code gitjob.metrics.histograms}):
     *        without them a GitRepo has 26 fewer series (13 + 2 and 9 + 2 lines)
     */
    SeriesIndex(MeterRegistry registry, int recentEventIds, boolean histograms) {
        this.registry = registry;
        this.recentEventIds = recentEventIds;
        this.histograms = histograms;
    }

    Series get(GitRepoKey key) {
        return byGitRepo.get(key);
    }

    /** The series of {@code gitRepo}, created (with no meter yet) if there are none. */
    Series getOrCreate(GitRepoRef gitRepo, Instant eventTime) {
        Series series = byGitRepo.get(gitRepo.key());
        if (series == null) {
            series = new Series(registry, gitRepo, eventTime, recentEventIds, histograms);
            byGitRepo.put(gitRepo.key(), series);
        }
        return series;
    }

    /**
     * Removes every series of the GitRepo from the registry at once (a histogram with all its buckets, its sum
     * and count).
     *
     * @return the number of meters removed
     */
    int drop(GitRepoKey key) {
        Series series = byGitRepo.remove(key);
        if (series == null) {
            return 0;
        }
        List<Meter> meters = series.meters();
        meters.forEach(registry::remove);
        series.clear();
        return meters.size();
    }

    /** The GitRepos whose events came from any of {@code partitions} (a scan of the index, not of meters). */
    List<GitRepoKey> fedFrom(Collection<TopicPartition> partitions) {
        List<GitRepoKey> keys = new ArrayList<>();
        for (Series series : byGitRepo.values()) {
            for (TopicPartition tp : series.partitions) {
                if (partitions.contains(tp)) {
                    keys.add(series.gitRepo.key());
                    break;
                }
            }
        }
        return keys;
    }

    /** Every GitRepo with series (a copy: the caller may drop while going over it). */
    List<GitRepoRef> gitRepos() {
        List<GitRepoRef> all = new ArrayList<>(byGitRepo.size());
        byGitRepo.values().forEach(s -> all.add(s.gitRepo));
        return all;
    }

    int size() {
        return byGitRepo.size();
    }

    /** The meters of one GitRepo, created as its events first need them (as Fleet does). */
    static final class Series {
        final GitRepoRef gitRepo;
        private final MeterRegistry registry;
        private final Tags tags;
        private final boolean histograms;
        /** The latest event time seen for this GitRepo (tells a re-created GitRepo from its predecessor). */
        Instant lastEventTime;
        /** The topic partitions its events came from (one per topic when both are co-partitioned). */
        final Set<TopicPartition> partitions = new HashSet<>(2);
        /** Ids of its last events: one published again under the same id is counted once. */
        final RecentEventIds recentEventIds;

        private Counter createdSuccess;
        private Counter createdFailure;
        private Timer jobDuration;
        private Gauge jobDurationGauge;
        private Counter fetchSuccess;
        private Counter fetchFailure;
        private Timer fetchDuration;

        /** Read by scrapes; written under {@link GitJobMetrics}' lock. */
        private volatile double lastJobDuration;
        /** Token of the gauge's last set (unique across GitRepos), and when it was set. */
        long gaugeToken;
        Instant gaugeSetAt;

        Series(MeterRegistry registry, GitRepoRef gitRepo, Instant eventTime, int recentEventIds,
                boolean histograms) {
            this.registry = registry;
            this.histograms = histograms;
            this.gitRepo = gitRepo;
            this.tags = Tags.of(FleetMetrics.LABEL_NAME, gitRepo.name(), FleetMetrics.LABEL_NAMESPACE,
                    gitRepo.namespace());
            this.lastEventTime = eventTime;
            this.recentEventIds = new RecentEventIds(recentEventIds);
        }

        void jobCreated() {
            if (createdSuccess == null) {
                createdSuccess = counter(FleetMetrics.JOBS_CREATED_SUCCESS, FleetMetrics.JOBS_CREATED_SUCCESS_HELP);
            }
            createdSuccess.increment();
        }

        void jobCreationFailed() {
            if (createdFailure == null) {
                createdFailure = counter(FleetMetrics.JOBS_CREATED_FAILURE, FleetMetrics.JOBS_CREATED_FAILURE_HELP);
            }
            createdFailure.increment();
        }

        void jobDuration(double seconds) {
            if (!histograms) {
                return;
            }
            if (jobDuration == null) {
                jobDuration = histogram(FleetMetrics.JOB_DURATION, FleetMetrics.JOB_DURATION_HELP,
                        FleetMetrics.JOB_DURATION_BUCKETS);
            }
            jobDuration.record(toDuration(seconds));
        }

        /** Sets the short-lived gauge; the caller schedules its expiry with {@code token}. */
        void setJobDurationGauge(double seconds, long token, Instant now) {
            lastJobDuration = seconds;
            gaugeToken = token;
            gaugeSetAt = now;
            if (jobDurationGauge == null) {
                jobDurationGauge = Gauge.builder(FleetMetrics.JOB_DURATION_GAUGE, this, s -> s.lastJobDuration)
                        .description(FleetMetrics.JOB_DURATION_GAUGE_HELP).tags(tags).strongReference(true)
                        .register(registry);
            }
        }

        boolean hasJobDurationGauge() {
            return jobDurationGauge != null;
        }

        void removeJobDurationGauge() {
            if (jobDurationGauge != null) {
                registry.remove(jobDurationGauge);
                jobDurationGauge = null;
            }
        }

        void fetchSucceeded(double seconds) {
            if (fetchSuccess == null) {
                fetchSuccess = counter(FleetMetrics.FETCH_SUCCESS, FleetMetrics.FETCH_SUCCESS_HELP);
            }
            fetchSuccess.increment();
            if (!histograms) {
                return;
            }
            if (fetchDuration == null) {
                fetchDuration = histogram(FleetMetrics.FETCH_DURATION, FleetMetrics.FETCH_DURATION_HELP,
                        FleetMetrics.FETCH_DURATION_BUCKETS);
            }
            fetchDuration.record(toDuration(seconds));
        }

        void fetchFailed() {
            if (fetchFailure == null) {
                fetchFailure = counter(FleetMetrics.FETCH_FAILURE, FleetMetrics.FETCH_FAILURE_HELP);
            }
            fetchFailure.increment();
        }

        List<Meter> meters() {
            List<Meter> meters = new ArrayList<>(7);
            for (Meter m : new Meter[] { createdSuccess, createdFailure, jobDuration, jobDurationGauge, fetchSuccess,
                    fetchFailure, fetchDuration }) {
                if (m != null) {
                    meters.add(m);
                }
            }
            return meters;
        }

        private void clear() {
            createdSuccess = createdFailure = fetchSuccess = fetchFailure = null;
            jobDuration = fetchDuration = null;
            jobDurationGauge = null;
        }

        private Counter counter(String name, String help) {
            return Counter.builder(name).description(help).tags(tags).register(registry);
        }

        /**
         * A histogram in seconds with exactly the given buckets. A Micrometer timer, not a distribution summary:
         * a summary's fixed buckets round each value up to a whole number first (0.3 would land in le="1.0"),
         * a timer records nanoseconds.
         */
        private Timer histogram(String name, String help, double[] bucketsSeconds) {
            Duration[] buckets = new Duration[bucketsSeconds.length];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = toDuration(bucketsSeconds[i]);
            }
            return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(buckets)
                    .publishPercentileHistogram(false).register(registry);
        }

        static Duration toDuration(double seconds) {
            return Duration.ofNanos(Math.round(seconds * 1e9));
        }
    }
}
