package io.gitjob.janitor;

import java.time.Duration;
import java.util.Optional;

/**
 * What one cleanup run is told to do. A value, so a test or a benchmark can run with other settings than the
 * service's configuration.
 *
 * @param batchSize Jobs asked for per list call ({@code limit})
 * @param includeFleetJobs also take Jobs without gitjob's label that a Fleet GitRepo owns
 * @param failedRetention failed Jobs older than this are deleted; empty: failed Jobs are kept forever
 * @param maxDeletesPerSecond the cap on delete calls; 0 means no cap
 * @param dryRun decide and report, delete and publish nothing
 */
public record JanitorSettings(int batchSize, boolean includeFleetJobs, Optional<Duration> failedRetention,
        double maxDeletesPerSecond, boolean dryRun) {

    public JanitorSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("gitjob.janitor.batch-size must be at least 1, was " + batchSize);
        }
        if (!(maxDeletesPerSecond >= 0) || Double.isInfinite(maxDeletesPerSecond)) {
            throw new IllegalArgumentException(
                    "gitjob.janitor.max-deletes-per-second must be 0 (no cap) or a positive number, was "
                            + maxDeletesPerSecond);
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
        return new JanitorSettings(500, false, Optional.empty(), 50, false);
    }

    public JanitorSettings withBatchSize(int size) {
        return new JanitorSettings(size, includeFleetJobs, failedRetention, maxDeletesPerSecond, dryRun);
    }

    public JanitorSettings withIncludeFleetJobs(boolean include) {
        return new JanitorSettings(batchSize, include, failedRetention, maxDeletesPerSecond, dryRun);
    }

    public JanitorSettings withFailedRetention(Duration retention) {
        return new JanitorSettings(batchSize, includeFleetJobs, Optional.ofNullable(retention), maxDeletesPerSecond,
                dryRun);
    }

    public JanitorSettings withMaxDeletesPerSecond(double rate) {
        return new JanitorSettings(batchSize, includeFleetJobs, failedRetention, rate, dryRun);
    }

    public JanitorSettings withDryRun(boolean dry) {
        return new JanitorSettings(batchSize, includeFleetJobs, failedRetention, maxDeletesPerSecond, dry);
    }
}
