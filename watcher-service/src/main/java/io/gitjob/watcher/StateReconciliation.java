package io.gitjob.watcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoState;

/**
 * What to publish for a GitRepo given what the watcher last published of it (its {@code gitrepo-state}) and
 * what the cluster shows now. The informer's callbacks and the rebuild after a partition assignment both
 * decide here, so a change seen live and a change missed while down give the same events.
 */
public final class StateReconciliation {

    public enum Change {
        NONE, ADDED, SPEC_CHANGED, FORCE_SYNC, DELETED,
        /** Same namespace/name, another uid: the old one was deleted and a new one created. */
        REPLACED
    }

    /** One GitRepo's change; {@code known} is null for an added one, {@code current} null for a deleted one. */
    public record Step(Change change, GitRepoState known, Observed current) {
    }

    private StateReconciliation() {
    }

    public static Change decide(GitRepoState known, Observed current) {
        if (known == null) {
            return current == null ? Change.NONE : Change.ADDED;
        }
        if (current == null) {
            return Change.DELETED;
        }
        if (!known.gitRepo().uid().equals(current.ref().uid())) {
            return Change.REPLACED;
        }
        return switch (GitRepoChanges.classifyUpdate(known.generation(), known.forceSyncGeneration(),
                current.generation(), current.forceSyncGeneration())) {
            case FORCE_SYNC -> Change.FORCE_SYNC;
            case SPEC_CHANGED -> Change.SPEC_CHANGED;
            case NONE -> Change.NONE;
        };
    }

    /**
     * Every GitRepo of either side, in key order, with its change (NONE included, so the caller also learns
     * the GitRepos that need nothing). Keys in {@code unreadable} (in the cluster with a spec gitjob cannot
     * read) are left out: they are neither deleted nor added.
     */
    public static List<Step> reconcile(Map<GitRepoKey, GitRepoState> known, Map<GitRepoKey, Observed> cluster,
            Set<GitRepoKey> unreadable) {
        Set<GitRepoKey> keys = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        keys.addAll(known.keySet());
        keys.addAll(cluster.keySet());
        keys.removeAll(unreadable);
        List<Step> steps = new ArrayList<>(keys.size());
        for (GitRepoKey key : keys) {
            GitRepoState state = known.get(key);
            Observed current = cluster.get(key);
            steps.add(new Step(decide(state, current), state, current));
        }
        return steps;
    }
}
