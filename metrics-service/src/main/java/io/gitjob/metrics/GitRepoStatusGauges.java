package io.gitjob.metrics;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.ResourceCounts;
import io.gitjob.events.UrlCredentials;
import io.gitjob.metrics.exposition.GaugeFamily;

/**
 * Fleet's ten {@code fleet_gitrepo_*} resource and cluster gauges, one set per GitRepo (namespace, name, uid),
 * taken from its status as Fleet's gitjob takes them after each status write: {@code resourceCounts},
 * {@code readyClusters}, {@code desiredReadyClusters}. A GitRepo has them once its status carries readiness
 * (Fleet's status reconciler, or job-service's in fleet mode, wrote {@code readyClusters}/
 * {@code desiredReadyClusters}); a kubectl-mode GitRepo, which has none, gets no series of zeros. Labelled as
 * Fleet labels them; when {@code repo}, {@code branch} or {@code paths} change, the old series go and new ones
 * come, as Fleet deletes and collects them.
 *
 * <p>The values are not Micrometer gauges: ten of those per GitRepo were 4.5 KB of metrics-service's heap per
 * GitRepo (ids, tags, the registry's and its collector's map entries); a GitRepo's ten values and five label
 * values are one entry here, written by {@link #families()} as Micrometer would write those gauges. Changes are
 * made under {@link GitJobMetrics}' lock; scrapes read the map (concurrent) and each entry's values (replaced
 * whole) without it.
 */
final class GitRepoStatusGauges {

    /** The labels, sorted by name as Micrometer sorts a meter's tags. */
    private static final String[] LABELS = { FleetMetrics.LABEL_BRANCH, FleetMetrics.LABEL_NAME,
            FleetMetrics.LABEL_NAMESPACE, FleetMetrics.LABEL_PATHS, FleetMetrics.LABEL_REPO };

    private final Map<GitRepoKey, Levels> byGitRepo = new ConcurrentHashMap<>();
    private final List<GaugeFamily> families;

    GitRepoStatusGauges() {
        List<GaugeFamily> all = new ArrayList<>();
        for (int i = 0; i < FleetMetrics.GITREPO_STATUS_GAUGES.size(); i++) {
            all.add(new Family(FleetMetrics.GITREPO_STATUS_GAUGES.get(i), i));
        }
        families = List.copyOf(all);
    }

    /** Sets the GitRepo's gauges from its status; removes them when the status has no readiness. */
    void set(GitRepoRef ref, GitRepo gitRepo) {
        GitRepoStatus status = gitRepo.getStatus();
        if (status == null || (status.getReadyClusters() == null && status.getDesiredReadyClusters() == null)) {
            remove(ref.key());
            return;
        }
        String[] labels = labels(ref, gitRepo.getSpec());
        Levels levels = byGitRepo.get(ref.key());
        if (levels != null && (!levels.gitRepo.uid().equals(ref.uid())
                || !java.util.Arrays.equals(levels.labels, labels))) {
            remove(ref.key());
            levels = null;
        }
        ResourceCounts counts = status.getResourceCounts() == null ? new ResourceCounts() : status.getResourceCounts();
        double[] values = { counts.getDesiredReady(), counts.getMissing(), counts.getModified(), counts.getNotReady(),
                counts.getOrphaned(), counts.getReady(), counts.getUnknown(), counts.getWaitApplied(),
                orZero(status.getDesiredReadyClusters()), orZero(status.getReadyClusters()) };
        if (levels == null) {
            byGitRepo.put(ref.key(), new Levels(ref, labels, values));
        } else {
            levels.values = values;
        }
    }

    boolean remove(GitRepoKey key) {
        return byGitRepo.remove(key) != null;
    }

    /** Removes the gauges of exactly this GitRepo (same uid); another GitRepo of that name keeps its own. */
    boolean remove(GitRepoRef gitRepo) {
        Levels levels = byGitRepo.get(gitRepo.key());
        return levels != null && levels.gitRepo.uid().equals(gitRepo.uid()) && remove(gitRepo.key());
    }

    /** Removes the gauges of every GitRepo {@code keep} rejects; returns how many GitRepos lost them. */
    int retain(Predicate<GitRepoRef> keep) {
        int removed = 0;
        Iterator<Levels> it = byGitRepo.values().iterator();
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

    /** The ten families, for the exposition. */
    List<GaugeFamily> families() {
        return families;
    }

    /** Label values in {@link #LABELS}' order. */
    private static String[] labels(GitRepoRef ref, GitRepoSpec spec) {
        // Fleet labels with spec.repo as written; a scrape must never show a credential someone wrote into it.
        String repo = spec == null || spec.getRepo() == null ? "" : UrlCredentials.redact(spec.getRepo());
        String branch = spec == null || spec.getBranch() == null ? "" : spec.getBranch();
        String paths = spec == null || spec.getPaths() == null ? "" : String.join(";", spec.getPaths());
        return new String[] { branch.intern(), ref.name(), ref.namespace(), paths, repo.intern() };
    }

    private static double orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static final class Levels {
        final GitRepoRef gitRepo;
        final String[] labels;
        /** Read by scrapes; replaced whole under {@link GitJobMetrics}' lock. */
        volatile double[] values;

        Levels(GitRepoRef gitRepo, String[] labels, double[] values) {
            this.gitRepo = gitRepo;
            this.labels = labels;
            this.values = values;
        }
    }

    /** One of the ten gauges across every GitRepo. */
    private final class Family implements GaugeFamily {
        private final FleetMetrics.StatusGauge gauge;
        private final int index;

        Family(FleetMetrics.StatusGauge gauge, int index) {
            this.gauge = gauge;
            this.index = index;
        }

        @Override
        public String name() {
            return gauge.name();
        }

        @Override
        public String help() {
            return gauge.help();
        }

        @Override
        public String[] labelNames() {
            return LABELS.clone();
        }

        @Override
        public void forEachSeries(Series sink) {
            for (Levels levels : byGitRepo.values()) {
                sink.accept(levels.labels, levels.values[index]);
            }
        }
    }
}
