package io.gitjob.janitor;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.gitjob.janitor.CleanupDecision.DeleteReason;
import io.gitjob.janitor.CleanupDecision.KeepReason;

/**
 * What one run did, logged as one line.
 *
 * @param listed Jobs listed that the janitor manages (labelled, plus Fleet's with include-fleet-jobs)
 * @param listCalls list calls to the API server (Jobs and GitRepos, all pages)
 * @param deleted Jobs deleted by reason; in a dry run, those it would delete
 * @param kept Jobs kept by reason
 * @param alreadyGone Jobs due for deletion that someone else deleted first (not an error)
 * @param errors deletions or publications that failed, or 1 when the run could not list
 * @param deletions the Jobs deleted (or, in a dry run, to be deleted), in the order they were handled
 */
public record RunSummary(Result result, boolean dryRun, int listed, int listCalls, Map<DeleteReason, Integer> deleted,
        Map<KeepReason, Integer> kept, int alreadyGone, int errors, Duration duration, List<Deletion> deletions) {

    public enum Result {
        /** Everything due was deleted (or, in a dry run, reported). */
        SUCCESS,
        /** The run went through, but some Jobs could not be deleted or their events not published. */
        ERRORS,
        /** The run could not list Jobs or GitRepos and deleted nothing. */
        FAILED,
        /** The process was asked to stop; the run ended after the deletion in hand. */
        INTERRUPTED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One Job due for deletion: {@code namespace/name} and the reason. */
    public record Deletion(String job, DeleteReason reason) {
    }

    public RunSummary {
        deleted = Map.copyOf(deleted);
        kept = Map.copyOf(kept);
        deletions = List.copyOf(deletions);
    }

    public int deletedTotal() {
        return deleted.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int keptTotal() {
        return kept.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int deleted(DeleteReason reason) {
        return deleted.getOrDefault(reason, 0);
    }

    public int kept(KeepReason reason) {
        return kept.getOrDefault(reason, 0);
    }

    /**
     * One line, {@code key=value} pairs (logfmt), every reason always present so a log query can rely on the
     * keys: {@code result=success dryRun=false listed=... deleted=... deleted.succeeded=... kept=...
     * kept.running=... alreadyGone=... errors=... durationSeconds=...}. A dry run says {@code wouldDelete}.
     */
    public String line() {
        String verb = dryRun ? "wouldDelete" : "deleted";
        StringBuilder b = new StringBuilder("janitor run: result=").append(result.label())
                .append(" dryRun=").append(dryRun)
                .append(" listed=").append(listed)
                .append(" listCalls=").append(listCalls)
                .append(' ').append(verb).append('=').append(deletedTotal());
        for (DeleteReason reason : DeleteReason.values()) {
            b.append(' ').append(verb).append('.').append(reason.label).append('=').append(deleted(reason));
        }
        b.append(" kept=").append(keptTotal());
        for (KeepReason reason : KeepReason.values()) {
            b.append(" kept.").append(reason.label).append('=').append(kept(reason));
        }
        b.append(" alreadyGone=").append(alreadyGone)
                .append(" errors=").append(errors)
                .append(" durationSeconds=").append(String.format(Locale.ROOT, "%.3f", duration.toNanos() / 1e9));
        return b.toString();
    }

    static Map<DeleteReason, Integer> noDeletions() {
        return new EnumMap<>(DeleteReason.class);
    }

    static Map<KeepReason, Integer> noneKept() {
        return new EnumMap<>(KeepReason.class);
    }
}
