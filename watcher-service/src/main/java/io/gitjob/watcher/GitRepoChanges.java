package io.gitjob.watcher;

/**
 * What an update of a GitRepo means, decided from its generations alone: a status-only update changes
 * neither and publishes nothing. A new forceSyncGeneration also bumps metadata.generation (it is a spec
 * field), so it is checked first: the user asked for a re-apply, not for a new spec.
 */
final class GitRepoChanges {

    enum Change {
        NONE, SPEC_CHANGED, FORCE_SYNC
    }

    private GitRepoChanges() {
    }

    static Change classifyUpdate(long oldGeneration, long oldForceSync, long newGeneration, long newForceSync) {
        if (newForceSync != oldForceSync) {
            return Change.FORCE_SYNC;
        }
        if (newGeneration != oldGeneration) {
            return Change.SPEC_CHANGED;
        }
        return Change.NONE;
    }
}
