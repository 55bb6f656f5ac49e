package io.gitjob.job.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
 * decision is then taken on a fresh read ({@link Wait#gaveUp}), as a cache that far behind is not to be trusted
 * with a create, which no resourceVersion guards. And a Job job-service saw succeed and deleted is never made
 * again under its name by a decision on a cache that still lacks the status saying so ({@link #completed}): its
 * name is its wanted state's, and that state is applied.
 */
public final class OwnWrites {

    private final Duration patience;
    private final LongSupplier nanoTime;
    private final Map<GitRepoKey, Map<String, Expected>> pending = new ConcurrentHashMap<>();
    /** The Jobs completed (succeeded, recorded, deleted) lately, by GitRepo: name and when. */
    private final Map<GitRepoKey, Map<String, Long>> completed = new ConcurrentHashMap<>();
    /** GitRepos whose last wait ran out: their next decision is taken on a fresh read. */
    private final Map<GitRepoKey, Boolean> untrusted = new ConcurrentHashMap<>();

    /**
     * What the caches show of an expected write: {@code resourceVersion} null means the object is expected gone;
     * {@code present} that a created Job merely being in the cache is enough (its controller writes it at once).
     */
    private record Expected(String resourceVersion, boolean present, long atNanos, Set<String> delivered) {
        /** Sent, its answer not back yet: what the informer delivers meanwhile is kept in {@code delivered}. */
        boolean inFlight() {
            return delivered != null;
        }
    }

    /** How long a completed Job's name is remembered: far longer than any cache lags behind. */
    static final Duration COMPLETED_MEMORY = Duration.ofMinutes(10);

    /** What {@link #waitFor} found: how long to wait still (empty: decide now), and whether it gave up waiting. */
    public record Wait(Optional<Duration> remaining, boolean gaveUp) {
    }

    /**
     * What {@link #observe} found: how far behind the caches are, and the caches as read once nothing was left to
     * wait for (null otherwise, and when it gave up waiting: the decision is then taken on a fresh read).
     */
    public record Observed(Wait behind, Optional<GitRepo> gitRepo, List<Job> jobs) {
    }

    private static final String GITREPO = "";

    public OwnWrites(Duration patience) {
        this(patience, System::nanoTime);
    }

    OwnWrites(Duration patience, LongSupplier nanoTime) {
        this.patience = patience;
        this.nanoTime = nanoTime;
    }

    /**
     * Before a GitRepo write is sent: its informer event may come before its answer, and must not be missed (the
     * cache would then show a later write's version, never this one's, and the GitRepo wait for nothing).
     */
    public void writingGitRepo(GitRepoKey key) {
        writing(key, GITREPO);
    }

    /** The answer of a GitRepo write {@link #writingGitRepo} announced; null when nothing was written. */
    public void wroteGitRepo(GitRepoKey key, GitRepo written) {
        wrote(key, GITREPO, written == null ? null : written.getMetadata().getResourceVersion());
    }

    /** Before a Job is patched (its failure marked reported), as {@link #writingGitRepo}. */
    public void writingJob(GitRepoKey key, String jobName) {
        writing(key, "job/" + jobName);
    }

    /** The answer of a Job patch {@link #writingJob} announced; null when nothing was written. */
    public void wroteJob(GitRepoKey key, String jobName, Job written) {
        wrote(key, "job/" + jobName, written == null ? null : written.getMetadata().getResourceVersion());
    }

    private void writing(GitRepoKey key, String object) {
        pending.compute(key, (k, objects) -> {
            Map<String, Expected> kept = objects == null ? new ConcurrentHashMap<>() : objects;
            kept.put(object, new Expected(null, false, nanoTime.getAsLong(), ConcurrentHashMap.newKeySet()));
            return kept;
        });
    }

    private void wrote(GitRepoKey key, String object, String version) {
        long now = nanoTime.getAsLong();
        pending.compute(key, (k, objects) -> {
            Map<String, Expected> kept = objects == null ? new ConcurrentHashMap<>() : objects;
            Expected sent = kept.get(object);
            boolean inFlight = sent != null && sent.inFlight();
            if (version == null || (inFlight && sent.delivered().contains(version))) {
                if (inFlight) {
                    kept.remove(object); // nothing written, or its event already delivered
                }
            } else {
                kept.put(object, new Expected(version, false, now, null));
            }
            return kept.isEmpty() ? null : kept;
        });
    }

    public void createdJob(GitRepoKey key, Job created) {
        expect(key, "job/" + created.getMetadata().getName(), created.getMetadata().getResourceVersion(), true);
    }

    public void deletedJob(GitRepoKey key, String jobName) {
        expect(key, "job/" + jobName, null, false);
    }

    /** A Job that succeeded, was recorded as such and deleted: its name is not to be made again. */
    public void completed(GitRepoKey key, String jobName) {
        long now = nanoTime.getAsLong();
        completed.compute(key, (k, names) -> {
            Map<String, Long> kept = names == null ? new ConcurrentHashMap<>() : names;
            kept.values().removeIf(at -> now - at > COMPLETED_MEMORY.toNanos());
            kept.put(jobName, now);
            return kept;
        });
    }

    /** Whether job-service completed a Job of this name for this GitRepo lately. */
    public boolean wasCompleted(GitRepoKey key, String jobName) {
        Long at = completed.getOrDefault(key, Map.of()).get(jobName);
        return at != null && nanoTime.getAsLong() - at <= COMPLETED_MEMORY.toNanos();
    }

    private void expect(GitRepoKey key, String object, String resourceVersion, boolean present) {
        // One atomic step: seen() on the informer's thread drops a GitRepo's map once it is empty.
        pending.compute(key, (k, objects) -> {
            Map<String, Expected> kept = objects == null ? new ConcurrentHashMap<>() : objects;
            kept.put(object, new Expected(resourceVersion, present, nanoTime.getAsLong(), null));
            return kept;
        });
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
        pending.computeIfPresent(key, (k, objects) -> {
            objects.computeIfPresent(object, (o, e) -> {
                if (e.inFlight()) {
                    if (resourceVersion != null) {
                        e.delivered().add(resourceVersion);
                    }
                    return e;
                }
                return java.util.Objects.equals(e.resourceVersion(), resourceVersion)
                        || (e.present() && resourceVersion != null) ? null : e;
            });
            return objects.isEmpty() ? null : objects;
        });
    }

    /**
     * How long the GitRepo's decision must still wait for the caches to show job-service's writes (checked on what
     * the caches hold now too, in case the informer delivered a write before it was expected); empty when they
     * show them all; {@code gaveUp} when one has been waited for long enough without being shown (until the
     * next decision on a fresh read says {@link #trusted}).
     */
    public Wait waitFor(GitRepoKey key, Optional<GitRepo> gitRepo, List<Job> jobs) {
        long now = nanoTime.getAsLong();
        long[] longest = { 0 };
        pending.computeIfPresent(key, (k, objects) -> {
            for (var entry : objects.entrySet()) {
                Expected e = entry.getValue();
                long waited = now - e.atNanos();
                if (shown(entry.getKey(), e, gitRepo, jobs)) {
                    objects.remove(entry.getKey(), e);
                } else if (waited >= patience.toNanos()) {
                    objects.remove(entry.getKey(), e);
                    untrusted.put(key, true);
                } else {
                    longest[0] = Math.max(longest[0], patience.toNanos() - waited);
                }
            }
            return objects.isEmpty() ? null : objects;
        });
        return new Wait(longest[0] == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(longest[0])),
                longest[0] == 0 && untrusted.containsKey(key));
    }

    /**
     * The caches as a decision may take them: read again once {@link #waitFor} found every write shown. A read made
     * before the check may be older than a write the check finds seen: the informer puts an object in its store
     * before its handler tells {@link #seenGitRepo}, so the write can be marked seen between the two, and a
     * decision on the older read would not see it (a Job it created "not recorded" and adopted, its creation
     * published twice). Only a read after the check is sure to show all it found.
     */
    public Observed observe(GitRepoKey key, Supplier<Optional<GitRepo>> gitRepo, Supplier<List<Job>> jobs) {
        Wait wait = waitFor(key, gitRepo.get(), jobs.get());
        if (wait.remaining().isPresent() || wait.gaveUp()) {
            return new Observed(wait, null, null);
        }
        return new Observed(wait, gitRepo.get(), jobs.get());
    }

    /** A decision on a fresh read was taken: the caches are trusted again for this GitRepo. */
    public void trusted(GitRepoKey key) {
        untrusted.remove(key);
    }

    private static boolean shown(String object, Expected e, Optional<GitRepo> gitRepo, List<Job> jobs) {
        if (e.inFlight()) {
            return false; // another thread's write, its answer not back yet
        }
        if (GITREPO.equals(object)) {
            return gitRepo.map(g -> e.resourceVersion().equals(g.getMetadata().getResourceVersion())).orElse(true);
        }
        String name = object.substring("job/".length());
        Optional<Job> job = jobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
        if (e.resourceVersion() == null) {
            return job.map(j -> j.getMetadata().getDeletionTimestamp() != null).orElse(true);
        }
        if (e.present()) {
            return job.isPresent();
        }
        return job.map(j -> e.resourceVersion().equals(j.getMetadata().getResourceVersion())).orElse(false);
    }

    /** Drops the completed Jobs' names older than {@link #COMPLETED_MEMORY}, and the GitRepos left with none. */
    public void forgetOld() {
        long now = nanoTime.getAsLong();
        for (GitRepoKey key : completed.keySet()) {
            completed.computeIfPresent(key, (k, names) -> {
                names.values().removeIf(at -> now - at > COMPLETED_MEMORY.toNanos());
                return names.isEmpty() ? null : names;
            });
        }
    }

    int completedGitRepos() {
        return completed.size();
    }

    /** A GitRepo this replica no longer decides on is not waited for. */
    public void forget(GitRepoKey key) {
        pending.remove(key);
        completed.remove(key);
        untrusted.remove(key);
    }

    int pendingGitRepos() {
        return pending.size();
    }
}
