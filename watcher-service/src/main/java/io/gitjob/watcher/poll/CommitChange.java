package io.gitjob.watcher.poll;

/** What a head read from the remote (by a poll or a webhook) means given the commit the watcher knows. */
public final class CommitChange {

    public enum Outcome {
        /** The head is the known commit: nothing happened. */
        UNCHANGED,
        /** A commit not seen before (or the first one): publish commit detected. */
        DETECTED
    }

    private CommitChange() {
    }

    public static Outcome decide(String knownCommit, String head) {
        return head.equalsIgnoreCase(knownCommit == null ? "" : knownCommit) ? Outcome.UNCHANGED : Outcome.DETECTED;
    }
}
