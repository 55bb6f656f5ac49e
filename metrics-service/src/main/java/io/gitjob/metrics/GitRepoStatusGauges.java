package io.gitjob.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.ResourceCounts;
import io.gitjob.events.UrlCredentials;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Fleet's ten {@code fleet_gitrepo_*} resource and cluster gauges, one set per GitRepo (namespace, name, uid),
 * taken from its status as Fleet's gitjob takes them after each status write: {@code resourceCounts},
 * {@code readyClusters}, {@code desiredReadyClusters}. A GitRepo has them once its status carries readiness
 * (Fleet's status reconciler, or job-service's in fleet mode, wrote {@code readyClusters}/
 * {@code desiredReadyClusters}); a kubectl-mode GitRepo, which has none, gets no series of zeros. Labelled as
 * Fleet labels them; when {@code repo}, {@code branch} or {@code paths} change, the old series go and new ones
 * come, as Fleet deletes and collects them. Not thread-safe: {@link GitJobMetrics} guards it.
 */
final class GitRepoStatusGauges {

    private final MeterRegistry registry;
    private final Map<GitRepoKey, Levels> byGitRepo = new HashMap<>();

    GitRepoStatusGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Sets the GitRepo's gauges from its status; removes them when the status has no readiness. */
    void set(GitRepoRef ref, GitRepo gitRepo) {
        GitRepoStatus status = gitRepo.getStatus();
        if (status == null || (status.getReadyClusters() == null && status.getDesiredReadyClusters() == null)) {
            remove(ref.key());
            return;
        }
        Tags tags = tags(ref, gitRepo.getSpec());
        Levels levels = byGitRepo.get(ref.key());
        if (levels != null && (!levels.gitRepo.uid().equals(ref.uid()) || !levels.tags.equals(tags))) {
            remove(ref.key());
            levels = null;
        }
        if (levels == null) {
            levels = new Levels(ref, tags);
            for (int i = 0; i < FleetMetrics.GITREPO_STATUS_GAUGES.size(); i++) {
                FleetMetrics.StatusGauge gauge = FleetMetrics.GITREPO_STATUS_GAUGES.get(i);
                int index = i;
                levels.gauges.add(Gauge.builder(gauge.name(), levels, l -> l.values[index])
                        .description(gauge.help()).tags(tags).strongReference(true).register(registry));
            }
            byGitRepo.put(ref.key(), levels);
        }
        ResourceCounts counts = status.getResourceCounts() == null ? new ResourceCounts() : status.getResourceCounts();
        double[] values = { counts.getDesiredReady(), counts.getMissing(), counts.getModified(), counts.getNotReady(),
                counts.getOrphaned(), counts.getReady(), counts.getUnknown(), counts.getWaitApplied(),
                orZero(status.getDesiredReadyClusters()), orZero(status.getReadyClusters()) };
        levels.values = values;
    }

    boolean remove(GitRepoKey key) {
        Levels levels = byGitRepo.remove(key);
        if (levels == null) {
            return false;
        }
        levels.gauges.forEach(registry::remove);
        return true;
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
            Levels levels = it.next();
            if (!keep.test(levels.gitRepo)) {
                it.remove();
                levels.gauges.forEach(registry::remove);
                removed++;
            }
        }
        return removed;
    }

    int size() {
        return byGitRepo.size();
    }

    private static Tags tags(GitRepoRef ref, GitRepoSpec spec) {
        // Fleet labels with spec.repo as written; a scrape must never show a credential someone wrote into it.
        String repo = spec == null || spec.getRepo() == null ? "" : UrlCredentials.redact(spec.getRepo());
        String branch = spec == null || spec.getBranch() == null ? "" : spec.getBranch();
        String paths = spec == null || spec.getPaths() == null ? "" : String.join(";", spec.getPaths());
        return Tags.of(FleetMetrics.LABEL_NAME, ref.name(), FleetMetrics.LABEL_NAMESPACE, ref.namespace(),
                FleetMetrics.LABEL_REPO, repo, FleetMetrics.LABEL_BRANCH, branch, FleetMetrics.LABEL_PATHS, paths);
    }

    private static double orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static final class Levels {
        final GitRepoRef gitRepo;
        final Tags tags;
        final List<Gauge> gauges = new ArrayList<>(FleetMetrics.GITREPO_STATUS_GAUGES.size());
        /** Read by scrapes; replaced whole under {@link GitJobMetrics}' lock. */
        volatile double[] values = new double[FleetMetrics.GITREPO_STATUS_GAUGES.size()];

        Levels(GitRepoRef gitRepo, Tags tags) {
            this.gitRepo = gitRepo;
            this.tags = tags;
        }
    }
}
