package io.gitjob.metrics;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.metrics.exposition.GaugeFamily;

/**
 * The {@code gitjob_failed_jobs_retained} gauges, one per GitRepo (namespace, name, uid), set to a level
 * counted from the cluster's Jobs ({@link FailedJobsLevel}), never from events. A gauge appears when its
 * GitRepo first has a failed Job and stays, at 0 when none is left, until it is removed (the GitRepo deleted,
 * its partition gone to another replica). Kept apart from the event-fed {@link SeriesIndex}: its life follows the
 * cluster and the partition ownership, not the event stream. Not a Micrometer gauge each (about 450 bytes), a
 * value in this map, written as that gauge would be ({@link GaugeFamily}). Changes are made under
 * {@link GitJobMetrics}' lock; scrapes read the concurrent map without it.
 */
final class FailedJobsGauges implements GaugeFamily {

    private static final String[] LABELS = { FleetMetrics.LABEL_NAME, FleetMetrics.LABEL_NAMESPACE };

    private final Map<GitRepoKey, Retained> byGitRepo = new ConcurrentHashMap<>();

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
            byGitRepo.put(gitRepo.key(), retained);
        }
        retained.failed = failed;
    }

    boolean remove(GitRepoKey key) {
        return byGitRepo.remove(key) != null;
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
            if (!keep.test(it.next().gitRepo)) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    int size() {
        return byGitRepo.size();
    }

    @Override
    public String name() {
        return FleetMetrics.FAILED_JOBS_RETAINED;
    }

    @Override
    public String help() {
        return FleetMetrics.FAILED_JOBS_RETAINED_HELP;
    }

    @Override
    public String[] labelNames() {
        return LABELS.clone();
    }

    @Override
    public void forEachSeries(Series sink) {
        for (Retained retained : byGitRepo.values()) {
            sink.accept(retained.labels, retained.failed);
        }
    }

    private static final class Retained {
        final GitRepoRef gitRepo;
        final String[] labels;
        /** Read by scrapes; written under {@link GitJobMetrics}' lock. */
        volatile int failed;

        Retained(GitRepoRef gitRepo) {
            this.gitRepo = gitRepo;
            this.labels = new String[] { gitRepo.name(), gitRepo.namespace() };
        }
    }
}
