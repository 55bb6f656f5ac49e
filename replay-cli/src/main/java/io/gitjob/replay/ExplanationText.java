package io.gitjob.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.replay.CommitExplanation.JobStory;

/** A {@link CommitExplanation} as words for people (one answer, then the evidence) and as one JSON object. */
final class ExplanationText {

    private ExplanationText() {
    }

    /** The answer in one sentence. */
    static String answer(CommitExplanation x) {
        if (x.commit() == null) {
            return "no commit of " + x.history().key() + " was seen " + range(x) + "; " + pollingWords(x);
        }
        if ("never-seen".equals(x.outcome())) {
            return "commit " + x.commit() + " was never seen " + range(x) + "; " + pollingWords(x);
        }
        List<String> parts = new ArrayList<>();
        for (JobStory job : x.jobs()) {
            parts.add(jobWords(x, job));
        }
        if (x.jobs().isEmpty()) {
            GitJobEvent.JobDecided last = x.lastDecision();
            String why = last == null ? "no decision about it was recorded (job-service had not looked yet, or runs a "
                    + "version that does not record decisions)" : last.reason() + (last.dryRun() ? " (dry run)" : "");
            String words = "paused".equals(x.outcome()) ? "skipped while paused: no Job was made: "
                    : "superseded".equals(x.outcome()) ? "superseded: no Job was made: " : "no Job was made: ";
            parts.add(words + why);
            if (x.supersededBy() != null) {
                parts.add("then newer commit " + x.supersededBy().commit() + " was detected at "
                        + x.supersededBy().time());
            }
        }
        return String.join("; then ", parts);
    }

    private static String jobWords(CommitExplanation x, JobStory job) {
        String name = "Job " + job.name();
        GitJobEvent.JobDeleted deleted = job.last(GitJobEvent.JobDeleted.class);
        String deletion = deleted == null ? "" : ", deleted at " + deleted.time() + " by "
                + deleted.deletedBy().name().toLowerCase(Locale.ROOT).replace('_', '-') + " (" + deleted.reason() + ")";
        switch (job.outcome()) {
            case "applied" -> {
                GitJobEvent.JobSucceeded s = job.last(GitJobEvent.JobSucceeded.class);
                return "applied: " + name + " succeeded at " + s.time() + " in " + s.durationSeconds() + " s"
                        + deletion;
            }
            case "failed" -> {
                GitJobEvent.JobFailed f = job.last(GitJobEvent.JobFailed.class);
                return "failed: " + name + " failed at " + f.time() + " (" + f.reason()
                        + (f.terminationMessage() == null ? "" : ": " + f.terminationMessage().strip()) + ")"
                        + (deleted == null ? ", kept for troubleshooting" : deletion);
            }
            case "running" -> {
                return name + " was created at " + job.last(GitJobEvent.JobCreated.class).time()
                        + " and has not finished by the end of the range";
            }
            case "creation-failing" -> {
                GitJobEvent.JobCreationFailed f = job.last(GitJobEvent.JobCreationFailed.class);
                return "creating " + name + " failed " + job.count(GitJobEvent.JobCreationFailed.class)
                        + " time(s), last at " + f.time() + " (" + f.errorClass() + ": " + f.errorMessage()
                        + "); job-service retries with backoff";
            }
            case "deleted" -> {
                return name + " was deleted at " + deleted.time() + " (" + deleted.reason() + ")";
            }
            default -> {
                GitJobEvent.JobTerminated t = job.last(GitJobEvent.JobTerminated.class);
                String why = switch (t.cause()) {
                    case NEW_COMMIT -> {
                        String newer = x.wantedInstead(job.name());
                        yield "superseded by a newer commit" + (newer == null ? "" : " " + newer);
                    }
                    case SPEC_CHANGED -> {
                        GitRepoEvent.SpecChanged s = x.specChangeAfter(job.firstTime());
                        yield "replaced by a spec change" + (s == null ? "" : " (generation "
                                + s.previousGeneration() + " -> " + s.generation() + " at " + s.time() + ")");
                    }
                    case FORCE_SYNC -> "replaced by a force sync";
                    case GITREPO_DELETED -> "the GitRepo was deleted";
                };
                return why + ": " + name + " (generation " + t.generation() + ") was terminated at " + t.time()
                        + deletion;
            }
        }
    }

    private static String pollingWords(CommitExplanation x) {
        CommitExplanation.Polling p = x.polling();
        List<String> parts = new ArrayList<>();
        if (p.fetchFailures().isEmpty()) {
            parts.add("no fetch failed");
        } else {
            GitRepoEvent.CommitFetchFailed first = p.fetchFailures().get(0);
            GitRepoEvent.CommitFetchFailed last = p.fetchFailures().get(p.fetchFailures().size() - 1);
            parts.add(p.fetchFailures().size() + " fetch(es) of " + last.repo() + " failed, from " + first.time()
                    + " to " + last.time() + ", last: " + last.errorClass() + ": " + last.errorMessage());
        }
        parts.add(p.lastDetected() == null ? "no commit was detected"
                : "the last commit detected was " + p.lastDetected().commit() + " at " + p.lastDetected().time()
                        + " by " + source(p.lastDetected()));
        if (p.deleted() != null) {
            parts.add("the GitRepo was deleted at " + p.deleted().time());
        }
        return String.join("; ", parts);
    }

    /** The answer, then its evidence, for people. */
    static List<String> lines(CommitExplanation x) {
        List<String> lines = new ArrayList<>();
        lines.add(x.history().key() + (x.commit() == null ? "" : ", commit " + x.commit()) + ", " + range(x));
        lines.add("answer: " + answer(x));
        if (x.commit() == null || "never-seen".equals(x.outcome())) {
            for (GitRepoEvent.CommitFetchFailed f : x.polling().fetchFailures()) {
                lines.add("  " + f.time() + "  fetch failed  " + f.errorClass() + ": " + f.errorMessage());
            }
            return withReadNote(x, lines);
        }
        if (x.firstSeen() != null) {
            GitRepoEvent.CommitDetected d = x.firstSeen();
            lines.add("first seen: " + d.time() + " by " + source(d)
                    + (d.previousCommit() == null ? " (the first commit of the GitRepo)"
                            : " (previous commit " + d.previousCommit() + ")"));
        } else {
            lines.add("first seen: not detected in this range; first named at " + x.firstMention().time() + " by "
                    + x.firstMention().type());
        }
        lines.add("decisions (" + x.decisions().size() + "):");
        for (GitJobEvent.JobDecided d : x.decisions()) {
            lines.add("  " + d.time() + "  " + d.trigger() + " -> " + d.outcome() + (d.dryRun() ? " (dry run)" : "")
                    + (d.actions().isEmpty() ? "" : "  " + String.join("; ", d.actions())) + "  because "
                    + d.reason());
        }
        lines.add("jobs (" + x.jobs().size() + "):");
        for (JobStory job : x.jobs()) {
            lines.add("  " + job.name() + ": " + job.outcome());
            for (GitJobEvent e : job.events()) {
                lines.add("    " + e.time() + "  " + e.type());
            }
        }
        return withReadNote(x, lines);
    }

    private static List<String> withReadNote(CommitExplanation x, List<String> lines) {
        if (x.history().duplicates() > 0 || x.history().malformed() > 0) {
            lines.add("(" + x.history().duplicates() + " event(s) read twice counted once, "
                    + x.history().malformed() + " malformed record(s) skipped: see timeline)");
        }
        return lines;
    }

    static ObjectNode json(CommitExplanation x) {
        ObjectNode json = RecordJson.MAPPER.createObjectNode();
        json.put("gitRepo", x.history().key().toString());
        json.put("from", x.history().from() == null ? null : x.history().from().toString());
        json.put("to", x.history().to() == null ? null : x.history().to().toString());
        json.put("commit", x.commit());
        json.put("outcome", x.outcome());
        json.put("answer", answer(x));
        if (x.firstSeen() != null) {
            ObjectNode seen = json.putObject("firstSeen");
            seen.put("time", x.firstSeen().time().toString());
            seen.put("source", x.firstSeen().source().name());
            seen.put("previousCommit", x.firstSeen().previousCommit());
            seen.put("eventId", x.firstSeen().eventId());
        } else {
            json.putNull("firstSeen");
        }
        ArrayNode decisions = json.putArray("decisions");
        for (GitJobEvent.JobDecided d : x.decisions()) {
            ObjectNode o = decisions.addObject();
            o.put("time", d.time().toString());
            o.put("eventId", d.eventId());
            o.put("trigger", d.trigger());
            o.put("wantedCommit", d.seen().wantedCommit());
            o.put("paused", d.seen().paused());
            ArrayNode actions = o.putArray("actions");
            d.actions().forEach(actions::add);
            o.put("reason", d.reason());
            o.put("outcome", d.outcome());
            o.put("dryRun", d.dryRun());
        }
        ArrayNode jobs = json.putArray("jobs");
        for (JobStory job : x.jobs()) {
            ObjectNode o = jobs.addObject();
            o.put("name", job.name());
            o.put("outcome", job.outcome());
            ArrayNode events = o.putArray("events");
            for (GitJobEvent e : job.events()) {
                events.addObject().put("time", e.time().toString()).put("type", e.type()).put("eventId", e.eventId());
            }
        }
        if (x.supersededBy() != null) {
            json.putObject("supersededBy").put("commit", x.supersededBy().commit())
                    .put("time", x.supersededBy().time().toString());
        }
        ObjectNode polling = json.putObject("polling");
        polling.put("fetchFailures", x.polling().fetchFailures().size());
        if (!x.polling().fetchFailures().isEmpty()) {
            var last = x.polling().fetchFailures().get(x.polling().fetchFailures().size() - 1);
            polling.put("lastFetchFailure", last.time().toString());
            polling.put("lastError", last.errorClass() + ": " + last.errorMessage());
        }
        polling.put("lastCommitDetected", x.polling().lastDetected() == null ? null
                : x.polling().lastDetected().commit());
        json.put("duplicatesIgnored", x.history().duplicates());
        json.put("malformedSkipped", x.history().malformed());
        return json;
    }

    private static String source(GitRepoEvent.CommitDetected d) {
        return d.source() == GitRepoEvent.CommitSource.WEBHOOK ? "webhook" : "poll";
    }

    private static String range(CommitExplanation x) {
        Instant from = x.history().from();
        Instant to = x.history().to();
        return (from == null ? "from the start of the topics" : "from " + from) + (to == null ? " to now" : " to " + to);
    }
}
