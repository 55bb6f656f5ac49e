package io.gitjob.events;

import java.time.Instant;

/**
 * An event on one of gitjob's event topics. Every event names its GitRepo, the GitRepo's generation and
 * forceSyncGeneration when it happened, an id, and a time (design section 2).
 */
public sealed interface Event permits GitRepoEvent, GitJobEvent {

    String eventId();

    Instant time();

    GitRepoRef gitRepo();

    long generation();

    long forceSyncGeneration();

    /** The record key: events of one GitRepo share it, so they stay in order on one partition. */
    default GitRepoKey key() {
        return gitRepo().key();
    }

    /** The short type name written in the JSON {@code type} field, e.g. {@code gitrepo.commit-detected}. */
    default String type() {
        return EventTypes.typeName(getClass());
    }
}
