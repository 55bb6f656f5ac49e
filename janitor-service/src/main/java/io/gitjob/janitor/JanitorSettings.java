package io.gitjob.janitor;

import java.time.Duration;
import java.util.Optional;

/**
 * What one cleanup run is told to do. A value, so a test or a benchmark can run with other settings than the
 * service's configuration.
 *
 * @param batchSize Jobs asked for per list call ({@code limit})
 * @param includeFleetJobs also take Jobs without gitjob's label that a Fleet GitRepo owns
 * @param succeededGrace a succeeded Job whose completion time is younger than this is left to job-service
 * @param failedRetention failed Jobs older than this are deleted; empty: failed Jobs are kept forever
 * @param maxDeletesPerSecond the cap on delete calls; 0 means no cap
 * @param dryRun decide and report, delete and publish nothing
 */
public record JanitorSettings(int batchSize, boolean includeFleetJobs, Duration succeededGrace,
        Optional<Duration> failedRetention, double maxDeletesPerSecond, boolean dryRun) {

    /** The default of {@code gitjob.janitor.succeeded-grace}. */
    public static final Duration DEFAULT_SUCCEEDED_GRACE = Duration.ofMinutes(10);

    public JanitorSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("gitjob.janitor.batch-size must be at least 1, was " + batchSize);
        }
        if (!(maxDeletesPerSecond >= 0) || Double.isInfinite(maxDeletesPerSecond)) {
            throw new IllegalArgumentException(
                    "gitjob.janitor.max-deletes-per-second must be 0 (no cap) or a positive number, was "
                            + maxDeletesPerSecond);
        }
        if (succeededGrace == null || succeededGrace.isNegative()) {
            throw new IllegalArgumentException(
                    "gitjob.janitor.succeeded-grace must be 0 or a positive duration (e.g. 10m), was "
                            + succeededGrace);
        }
        failedRetention = failedRetention == null ? Optional.empty() : failedRetention;
        if (failedRetention.isPresent() && (failedRetention.get().isNegative() || failedRetention.get().isZero())) {
            throw new IllegalArgumentException(
                    "gitjob.janitor.failed-retention must be a positive duration (e.g. 7d), was "
                            + failedRetention.get());
        }
    }

    /** The defaults of application.properties. */
    public static JanitorSettings defaults() {
        return new JanitorSettings(500, false, DEFAULT_SUCCEEDED_GRACE, Optional.empty(), 50, false);
    }

    public JanitorSettings withBatchSize(int size) {
        return new JanitorSettings(size, includeFleetJobs, succeededGrace, failedRetention, maxDeletesPerSecond,
                dryRun);
    }

    public JanitorSettings withIncludeFleetJobs(boolean include) {
        return new JanitorSettings(batchSize, include, succeededGrace, failedRetention, maxDeletesPerSecond, dryRun);
    }

    public JanitorSettings withSucceededGrace(Duration grace) {
        return new JanitorSettings(batchSize, includeFleetJobs, grace, failedRetention, maxDeletesPerSecond, dryRun);
    }

    public JanitorSettings withFailedRetention(Duration retention) {
        return new JanitorSettings(batchSize, includeFleetJobs, succeededGrace, Optional.ofNullable(retention),
                maxDeletesPerSecond, dryRun);
    }

    public JanitorSettings withMaxDeletesPerSecond(double rate) {
        return new JanitorSettings(batchSize, includeFleetJobs, succeededGrace, failedRetention, rate, dryRun);
    }

    public JanitorSettings withDryRun(boolean dry) {
        return new JanitorSettings(batchSize, includeFleetJobs, succeededGrace, failedRetention, maxDeletesPerSecond,
                dry);
    }
}
