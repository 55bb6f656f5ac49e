package io.gitjob.events;

/**
 * Which GitRepo an event is about. The uid tells a re-created GitRepo of the same name from the deleted one,
 * so late events of a deleted GitRepo can be told apart from those of its successor.
 */
public record GitRepoRef(String namespace, String name, String uid) {

    public GitRepoRef {
        Checks.nonBlank(namespace, "gitRepo.namespace");
        Checks.nonBlank(name, "gitRepo.name");
        Checks.nonBlank(uid, "gitRepo.uid");
        // Kept in several places per GitRepo (state, schedule, series): one copy of each, as GitRepoKey does.
        namespace = namespace.intern();
        name = name.intern();
        uid = uid.intern();
    }

    public GitRepoKey key() {
        return new GitRepoKey(namespace, name);
    }
}
