package io.gitjob.janitor;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code gitjob.janitor.*} settings; their meaning and defaults are in application.properties and docs/janitor.md. */
@ConfigMapping(prefix = "gitjob.janitor")
public interface JanitorConfig {

    @WithDefault("500")
    int batchSize();

    @WithDefault("false")
    boolean includeFleetJobs();

    /** How long a succeeded Job is left to job-service, which records its success and deletes it itself. */
    @WithDefault("10m")
    Duration succeededGrace();

    /** Unset: failed Jobs are kept forever, as Fleet does. */
    Optional<Duration> failedRetention();

    @WithDefault("50")
    double maxDeletesPerSecond();

    @WithDefault("false")
    boolean dryRun();

    /** Read by the scheduler through {@code ${gitjob.janitor.schedule}}; mapped here so a typo in the key fails. */
    @WithDefault("0 0 0 * * ?")
    String schedule();

    default JanitorSettings settings() {
        return new JanitorSettings(batchSize(), includeFleetJobs(), succeededGrace(), failedRetention(),
                maxDeletesPerSecond(), dryRun());
    }
}
