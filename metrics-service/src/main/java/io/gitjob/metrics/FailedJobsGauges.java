package io.gitjob.metrics;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The {@code gitjob_failed_jobs_retained} gauges, one per GitRepo (namespace, name, uid), set to a level
 * counted from the cluster's Jobs ({@link FailedJobsLevel}), never from events. A gauge appears when its
 * GitRepo first has a failed Job and stays, at 0 when none is left, until it is removed (the GitRepo deleted,
 * its partition gone to another replica). Kept apart from the event-fed {@link SeriesIndex}: its life follows the
 * cluster and the partition ownership, not the event stream. Not thread-safe: {@link GitJobMetrics} guards it.
 */
final class FailedJobsGauges {

    private final MeterRegistry registry;
    private final Map<GitRepoKey, Retained> byGitRepo = new HashMap<>();

    FailedJobsGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Sets the GitRepo's count; a gauge of an earlier GitRepo of that name (another uid) is replaced. */
    void set(GitRepoRef gitRepo, int failed) {
        Retained retained = byGitRepo.get(gitRepo.key());
        if (retained != null && !retained.gitRepo.uid().equals(gitRepo.uid())) {
            remove(gitRepo.key());
            retained = null;
        }
        if (retained == null) {
            if (failed == 0) {
                return; // as every other series: none until something needs it
            }
            retained = new Retained(gitRepo);
            retained.gauge = Gauge.builder(FleetMetrics.FAILED_JOBS_RETAINED, retained, r -> r.failed)
                    .description(FleetMetrics.FAILED_JOBS_RETAINED_HELP)
                    .tags(Tags.of(FleetMetrics.LABEL_NAME, gitRepo.name(), FleetMetrics.LABEL_NAMESPACE,
                            gitRepo.namespace()))
                    .strongReference(true).register(registry);
            byGitRepo.put(gitRepo.key(), retained);
        }
        retained.failed = failed;
    }

    boolean remove(GitRepoKey key) {
        Retained retained = byGitRepo.remove(key);
        if (retained == null) {
            return false;
        }
        registry.remove(retained.gauge);
        return true;
    }

    /** Removes the gauge of exactly this GitRepo (same uid); another GitRepo of that name keeps its gauge. */
    boolean remove(GitRepoRef gitRepo) {
        Retained retained = byGitRepo.get(gitRepo.key());
        return retained != null && retained.gitRepo.uid().equals(gitRepo.uid()) && remove(gitRepo.key());
    }

    /** Removes every gauge whose GitRepo {@code keep} rejects; returns how many went. */
    int retain(Predicate<GitRepoRef> keep) {
        int removed = 0;
        Iterator<Retained> it = byGitRepo.values().iterator();
        while (it.hasNext()) {
            Retained retained = it.next();
            if (!keep.test(retained.gitRepo)) {
                it.remove();
                registry.remove(retained.gauge);
                removed++;
            }
        }
        return removed;
    }

    int size() {
        return byGitRepo.size();
    }

    private static final class Retained {
        final GitRepoRef gitRepo;
        /** Read by scrapes; written under {@link GitJobMetrics}' lock. */
        volatile int failed;
        Gauge gauge;

        Retained(GitRepoRef gitRepo) {
            this.gitRepo = gitRepo;
        }
    }
}
