package io.gitjob.watcher;

import io.gitjob.events.GitRepoEvent;

/** An event the broker did not take; the watcher's view was left as it was, so the change is seen again. */
public class PublishFailedException extends RuntimeException {
    public PublishFailedException(GitRepoEvent event, Throwable cause) {
        super("could not publish " + event.type() + " for " + event.key() + ": " + cause.getMessage(), cause);
    }
}
