package io.gitjob.janitor;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.gitjob.janitor.CleanupDecision.DeleteReason;
import io.quarkus.runtime.Startup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every series of the janitor, on {@code /q/metrics}: runs by result, Jobs deleted by reason, when the last run
 * ended and how long runs take. Every label value is registered at start, so a dashboard sees zeros, not gaps.
 */
@Startup
@ApplicationScoped
public class JanitorMetrics {

    /** Result label of a run that did not start because another one was still going. */
    public static final String SKIPPED = "skipped";

    private final MeterRegistry registry;
    private final AtomicLong lastRunEpochMillis = new AtomicLong();
    private final Timer duration;

    @Inject
    public JanitorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RunSummary.Result result : RunSummary.Result.values()) {
            runs(result.label());
        }
        runs(SKIPPED);
        for (DeleteReason reason : DeleteReason.values()) {
            deleted(reason);
        }
        Gauge.builder("gitjob.janitor.last.run.timestamp.seconds", lastRunEpochMillis, v -> v.get() / 1000d)
                .description("When the last janitor run ended (Unix time, seconds); 0 before the first run")
                .register(registry);
        duration = Timer.builder("gitjob.janitor.run.duration")
                .description("How long janitor runs take, listing, deleting and publishing")
                .register(registry);
    }

    /** A Job actually deleted (a dry run counts none). */
    public void deleted(DeleteReason reason, int count) {
        deleted(reason).increment(count);
    }

    public void finished(RunSummary summary, long endEpochMillis) {
        runs(summary.result().label()).increment();
        duration.record(summary.duration());
        lastRunEpochMillis.set(endEpochMillis);
    }

    public void skipped() {
        runs(SKIPPED).increment();
    }

    private Counter runs(String result) {
        return Counter.builder("gitjob.janitor.runs").description("Janitor runs by result")
                .tag("result", result).register(registry);
    }

    private Counter deleted(DeleteReason reason) {
        return Counter.builder("gitjob.janitor.deleted.jobs").description("Jobs the janitor deleted, by reason")
                .tag("reason", reason.label).register(registry);
    }
}
