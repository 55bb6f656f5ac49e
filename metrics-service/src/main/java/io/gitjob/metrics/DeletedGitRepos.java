package io.gitjob.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.gitjob.events.GitRepoRef;

/**
 * GitRepos known to be deleted, by namespace, name and uid, so a late event of one (from the other topic, or a
 * replay) creates no series (design section 3), while a GitRepo re-created under the same name, which has a
 * new uid, is tracked again. Memory is bounded twice: at most {@code maxEntries} GitRepos (the oldest
 * deletions are forgotten first) and none longer than {@code maxAge}. Not thread-safe: {@link GitJobMetrics}
 * guards it.
 */
final class DeletedGitRepos {

    private final int maxEntries;
    private final Duration maxAge;
    private final Clock clock;
    /** Insertion order = deletion order, so the eldest entry is the first to forget. */
    private final LinkedHashMap<GitRepoRef, Instant> deleted = new LinkedHashMap<>();

    DeletedGitRepos(int maxEntries, Duration maxAge, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    boolean contains(GitRepoRef gitRepo) {
        forgetOld();
        return deleted.containsKey(gitRepo);
    }

    void remember(GitRepoRef gitRepo) {
        forgetOld();
        deleted.remove(gitRepo); // re-inserted: its age starts again
        deleted.put(gitRepo, clock.instant());
        if (deleted.size() > maxEntries) {
            Iterator<GitRepoRef> eldest = deleted.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    void forget(GitRepoRef gitRepo) {
        deleted.remove(gitRepo);
    }

    int size() {
        return deleted.size();
    }

    private void forgetOld() {
        Instant limit = clock.instant().minus(maxAge);
        Iterator<Map.Entry<GitRepoRef, Instant>> it = deleted.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue().isAfter(limit)) {
                return; // the rest are younger
            }
            it.remove();
        }
    }
}
