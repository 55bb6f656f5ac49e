package io.gitjob.job.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;

/**
 * job-service's own writes that its caches have not shown yet, per GitRepo: the "expectations" of Kubernetes'
 * controllers. Decisions are taken on the informer caches alone, which cost the API server nothing; a cache may
 * still lack a write job-service made a moment ago (the status that says a commit was applied, a Job it created
 * or deleted), and a decision on that would do the work twice. So a GitRepo with a write not yet seen waits: the
 * informer's event for it queues the GitRepo again. A write the cache never shows as written (a relist that
 * skipped it, someone else writing over it at once) stops being waited for after {@code patience}; the next
 * decision is then taken on the cache as it is, and a write based on it is refused by its resourceVersion
 * precondition (409) if the cache was behind.
 */
public final class OwnWrites {

    private final Duration patience;
    private final LongSupplier nanoTime;
    private final Map<GitRepoKey, Map<String, Expected>> pending = new ConcurrentHashMap<>();

    /** {@code resourceVersion} null: the object is expected gone. */
    private record Expected(String resourceVersion, long atNanos) {
    }

    private static final String GITREPO = "";

    public OwnWrites(Duration patience) {
        this(patience, System::nanoTime);
    }

    OwnWrites(Duration patience, LongSupplier nanoTime) {
        this.patience = patience;
        this.nanoTime = nanoTime;
    }

    public void wroteGitRepo(GitRepoKey key, GitRepo written) {
        expect(key, GITREPO, written.getMetadata().getResourceVersion());
    }

    public void wroteJob(GitRepoKey key, Job written) {
        expect(key, "job/" + written.getMetadata().getName(), written.getMetadata().getResourceVersion());
    }

    public void deletedJob(GitRepoKey key, String jobName) {
        expect(key, "job/" + jobName, null);
    }

    private void expect(GitRepoKey key, String object, String resourceVersion) {
        pending.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(object,
                new Expected(resourceVersion, nanoTime.getAsLong()));
    }

    /** The GitRepo informer delivered this version of the GitRepo. */
    public void seenGitRepo(GitRepoKey key, String resourceVersion) {
        seen(key, GITREPO, resourceVersion);
    }

    /** The Job informer delivered this version of the Job, or its deletion ({@code deleted}). */
    public void seenJob(GitRepoKey key, String jobName, String resourceVersion, boolean deleted) {
        seen(key, "job/" + jobName, deleted ? null : resourceVersion);
    }

    private void seen(GitRepoKey key, String object, String resourceVersion) {
        Map<String, Expected> objects = pending.get(key);
        if (objects == null) {
            return;
        }
        objects.computeIfPresent(object, (o, e) -> java.util.Objects.equals(e.resourceVersion(), resourceVersion)
                ? null : e);
        pending.computeIfPresent(key, (k, m) -> m.isEmpty() ? null : m);
    }

    /**
     * How long the GitRepo's decision must still wait for the caches to show job-service's writes (checked on what
     * the caches hold now too, in case the informer delivered a write before it was expected); empty when they
     * show them all, or have been waited for long enough.
     */
    public Optional<Duration> waitFor(GitRepoKey key, Optional<GitRepo> gitRepo, List<Job> jobs) {
        Map<String, Expected> objects = pending.get(key);
        if (objects == null) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        long longest = 0;
        for (var entry : objects.entrySet()) {
            Expected e = entry.getValue();
            long waited = now - e.atNanos();
            if (shown(entry.getKey(), e, gitRepo, jobs) || waited >= patience.toNanos()) {
                objects.remove(entry.getKey(), e);
            } else {
                longest = Math.max(longest, patience.toNanos() - waited);
            }
        }
        pending.computeIfPresent(key, (k, m) -> m.isEmpty() ? null : m);
        return longest == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(longest));
    }

    private static boolean shown(String object, Expected e, Optional<GitRepo> gitRepo, List<Job> jobs) {
        if (GITREPO.equals(object)) {
            return gitRepo.map(g -> e.resourceVersion().equals(g.getMetadata().getResourceVersion())).orElse(true);
        }
        String name = object.substring("job/".length());
        Optional<Job> job = jobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
        if (e.resourceVersion() == null) {
            return job.map(j -> j.getMetadata().getDeletionTimestamp() != null).orElse(true);
        }
        return job.map(j -> e.resourceVersion().equals(j.getMetadata().getResourceVersion())).orElse(false);
    }

    /** A GitRepo this replica no longer decides on is not waited for. */
    public void forget(GitRepoKey key) {
        pending.remove(key);
    }

    int pendingGitRepos() {
        return pending.size();
    }
}
