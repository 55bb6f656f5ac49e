package io.gitjob.watcher.poll;

import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/**
 * Which commit of a remote's advertised refs a GitRepo follows: its pinned {@code spec.revision} (a full SHA
 * is the commit itself, otherwise a tag or a branch of that name), else the head of {@code spec.branch},
 * else the head of the remote's default branch (its {@code HEAD}).
 */
public final class RefSelection {

    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}");

    /** The commit and, when a branch is followed, the branch's name (for the event). */
    public record Head(String commit, String branch) {
    }

    private RefSelection() {
    }

    public static Head select(Map<String, Ref> refs, String branch, String revision, String repo) {
        if (revision != null && !revision.isBlank()) {
            if (FULL_SHA.matcher(revision).matches()) {
                return new Head(revision.toLowerCase(), null);
            }
            Ref tag = refs.get("refs/tags/" + revision);
            if (tag != null) {
                ObjectId peeled = tag.getPeeledObjectId();
                return new Head((peeled != null ? peeled : tag.getObjectId()).name(), null);
            }
            Ref asBranch = refs.get("refs/heads/" + revision);
            if (asBranch != null) {
                return new Head(asBranch.getObjectId().name(), null);
            }
            throw new UnknownRevisionException("revision '" + revision + "' is neither a commit SHA nor a tag or "
                    + "branch of " + repo);
        }
        if (branch != null && !branch.isBlank()) {
            Ref head = refs.get("refs/heads/" + branch);
            if (head == null || head.getObjectId() == null) {
                throw new UnknownRevisionException("branch '" + branch + "' not found in " + repo);
            }
            return new Head(head.getObjectId().name(), branch);
        }
        Ref head = refs.get("HEAD");
        if (head == null || head.getObjectId() == null) {
            throw new UnknownRevisionException(repo + " has no default branch (no HEAD): set spec.branch");
        }
        String name = head.isSymbolic() ? head.getTarget().getName() : null;
        return new Head(head.getObjectId().name(),
                name != null && name.startsWith("refs/heads/") ? name.substring("refs/heads/".length()) : null);
    }

    /** The remote has no such branch, tag or default branch. */
    public static class UnknownRevisionException extends RuntimeException {
        public UnknownRevisionException(String message) {
            super(message);
        }
    }
}
