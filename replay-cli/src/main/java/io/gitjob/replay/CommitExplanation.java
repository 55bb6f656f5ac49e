package io.gitjob.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.gitjob.events.Event;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;

/**
 * Why a Job was, or was not, made for one commit of a GitRepo, from its events alone: how the commit was first
 * seen, every decision job-service recorded about it, the Jobs made for it and how they ended, and when none was
 * made, the reason. A pure function of a {@link GitRepoHistory}; {@link ExplanationText} puts it in words.
 *
 * @param commit the commit explained; null when the GitRepo has no commit in the range at all
 * @param outcome one word for tools: {@code applied}, {@code failed}, {@code running}, {@code creation-failing},
 *        {@code superseded}, {@code replaced-by-spec-change}, {@code replaced-by-force-sync},
 *        {@code gitrepo-deleted}, {@code deleted}, {@code paused}, {@code not-made}, {@code never-seen}
 * @param firstSeen the first commit detected of it; null when it was not detected in the range
 * @param firstMention the first event that names it at all; null when none does
 * @param supersededBy the first other commit detected after it; null when none was
 */
record CommitExplanation(GitRepoHistory history, String commit, String outcome, GitRepoEvent.CommitDetected firstSeen,
        Event firstMention, List<GitJobEvent.JobDecided> decisions, List<JobStory> jobs,
        GitRepoEvent.CommitDetected supersededBy, List<GitRepoEvent.SpecChanged> specChanges,
        Polling polling) {

    /** One Job's life events, in order. */
    record JobStory(String name, List<GitJobEvent> events) {

        <T extends GitJobEvent> T last(Class<T> type) {
            T found = null;
            for (GitJobEvent e : events) {
                if (type.isInstance(e)) {
                    found = type.cast(e);
                }
            }
            return found;
        }

        long count(Class<? extends GitJobEvent> type) {
            return events.stream().filter(type::isInstance).count();
        }

        Instant firstTime() {
            return events.get(0).time();
        }

        String outcome() {
            if (last(GitJobEvent.JobSucceeded.class) != null) {
                return "applied";
            }
            if (last(GitJobEvent.JobFailed.class) != null) {
                return "failed";
            }
            GitJobEvent.JobTerminated terminated = last(GitJobEvent.JobTerminated.class);
            if (terminated != null) {
                return switch (terminated.cause()) {
                    case NEW_COMMIT -> "superseded";
                    case SPEC_CHANGED -> "replaced-by-spec-change";
                    case FORCE_SYNC -> "replaced-by-force-sync";
                    case GITREPO_DELETED -> "gitrepo-deleted";
                };
            }
            if (last(GitJobEvent.JobCreated.class) != null) {
                return "running";
            }
            if (last(GitJobEvent.JobCreationFailed.class) != null) {
                return "creation-failing";
            }
            return "deleted";
        }
    }

    /** The GitRepo's polling in the range: what a commit never seen is explained by. */
    record Polling(List<GitRepoEvent.CommitFetchFailed> fetchFailures, GitRepoEvent.CommitDetected lastDetected,
            GitRepoEvent.Deleted deleted) {
    }

    static CommitExplanation of(GitRepoHistory history, String wanted) {
        List<Event> events = ofCurrentGitRepo(history.events());
        String commit = wanted == null ? latestCommit(events) : resolve(wanted, CommitMentions.all(events));
        Polling polling = polling(events);
        if (commit == null) {
            return new CommitExplanation(history, null, "never-seen", null, null, List.of(), List.of(), null, List.of(),
                    polling);
        }
        GitRepoEvent.CommitDetected firstSeen = null;
        Event firstMention = null;
        Set<String> jobNames = new LinkedHashSet<>();
        for (Event event : events) {
            if (firstMention == null && mentions(event, commit)) {
                firstMention = event;
            }
            if (firstSeen == null && event instanceof GitRepoEvent.CommitDetected d && commit.equals(d.commit())) {
                firstSeen = d;
            }
            if (event instanceof GitJobEvent.JobDecided d) {
                d.seen().jobs().stream().filter(j -> commit.equals(j.commit())).forEach(j -> jobNames.add(j.name()));
            } else if (event instanceof GitJobEvent e && commit.equals(CommitMentions.jobCommit(e))) {
                jobNames.add(e.jobName());
            }
        }
        List<GitJobEvent.JobDecided> decisions = new ArrayList<>();
        Map<String, List<GitJobEvent>> jobs = new LinkedHashMap<>();
        for (Event event : events) {
            if (event instanceof GitJobEvent.JobDecided d) {
                if (concerns(d, commit, jobNames)) {
                    decisions.add(d);
                }
            } else if (event instanceof GitJobEvent e && jobNames.contains(e.jobName())
                    && (CommitMentions.jobCommit(e) == null || commit.equals(CommitMentions.jobCommit(e)))) {
                jobs.computeIfAbsent(e.jobName(), n -> new ArrayList<>()).add(e);
            }
        }
        List<JobStory> stories = jobs.entrySet().stream().map(e -> new JobStory(e.getKey(), List.copyOf(e.getValue())))
                .toList();
        Instant since = firstSeen != null ? firstSeen.time() : firstMention == null ? null : firstMention.time();
        GitRepoEvent.CommitDetected supersededBy = null;
        List<GitRepoEvent.SpecChanged> specChanges = new ArrayList<>();
        for (Event event : events) {
            if (since == null || event.time().isBefore(since)) {
                continue;
            }
            if (supersededBy == null && event instanceof GitRepoEvent.CommitDetected d && !commit.equals(d.commit())) {
                supersededBy = d;
            }
            if (event instanceof GitRepoEvent.SpecChanged s) {
                specChanges.add(s);
            }
        }
        String outcome;
        if (firstMention == null) {
            outcome = "never-seen";
        } else if (!stories.isEmpty()) {
            outcome = stories.get(stories.size() - 1).outcome();
        } else if (!decisions.isEmpty() && decisions.get(decisions.size() - 1).seen().paused()) {
            outcome = "paused";
        } else if (supersededBy != null) {
            outcome = "superseded";
        } else {
            outcome = "not-made";
        }
        return new CommitExplanation(history, commit, outcome, firstSeen, firstMention, List.copyOf(decisions),
                stories, supersededBy, List.copyOf(specChanges), polling);
    }

    /** The last decision about the commit: its reason is why no Job was made when none was. */
    /**
     * The events of the GitRepo that has the name now (the uid of the newest event): one deleted and re-created
     * under the name told another story, which must not answer for this one. Without a dry run's decisions: a
     * debugging instance's decisions are not what happened.
     */
    static List<Event> ofCurrentGitRepo(List<Event> events) {
        if (events.isEmpty()) {
            return events;
        }
        String uid = events.get(events.size() - 1).gitRepo().uid();
        return events.stream().filter(e -> uid.equals(e.gitRepo().uid()))
                .filter(e -> !(e instanceof GitJobEvent.JobDecided d && d.dryRun())).toList();
    }

    GitJobEvent.JobDecided lastDecision() {
        return decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
    }

    /** The first spec change after {@code time}; null when none. */
    GitRepoEvent.SpecChanged specChangeAfter(Instant time) {
        return specChanges.stream().filter(s -> !s.time().isBefore(time)).findFirst().orElse(null);
    }

    /** The commit a decision that terminated {@code job} wanted instead; null when no such decision was recorded. */
    String wantedInstead(String job) {
        for (GitJobEvent.JobDecided d : decisions) {
            if (d.actions().stream().anyMatch(a -> a.contains(job) && a.toLowerCase(java.util.Locale.ROOT)
                    .contains("terminat")) && d.seen().wantedCommit() != null && !d.seen().wantedCommit().equals(commit)) {
                return d.seen().wantedCommit();
            }
        }
        return supersededBy == null ? null : supersededBy.commit();
    }

    /** A decision is about the commit when the commit was wanted, or one of its actions names it or its Jobs. */
    private static boolean concerns(GitJobEvent.JobDecided d, String commit, Set<String> jobNames) {
        if (commit.equals(d.seen().wantedCommit())) {
            return true;
        }
        return d.actions().stream().anyMatch(a -> a.contains(commit) || jobNames.stream().anyMatch(a::contains));
    }

    private static boolean mentions(Event event, String commit) {
        return CommitMentions.all(List.of(event)).contains(commit);
    }

    /** Without --commit: the latest commit the watcher detected, else the latest one anything named. */
    private static String latestCommit(List<Event> events) {
        String latest = null;
        for (Event event : events) {
            if (event instanceof GitRepoEvent.CommitDetected d) {
                latest = d.commit();
            }
        }
        if (latest != null) {
            return latest;
        }
        for (String c : CommitMentions.all(events)) {
            latest = c;
        }
        return latest;
    }

    /** A full SHA, or a prefix that names exactly one commit of the range (as git accepts short SHAs). */
    private static String resolve(String wanted, Set<String> known) {
        if (known.contains(wanted)) {
            return wanted;
        }
        List<String> matches = known.stream().filter(c -> c.startsWith(wanted)).toList();
        if (matches.size() > 1) {
            throw new CliException(CliException.BAD_INPUT, "--commit " + wanted + " is ambiguous: " + matches);
        }
        return matches.isEmpty() ? wanted : matches.get(0);
    }

    private static Polling polling(List<Event> events) {
        List<GitRepoEvent.CommitFetchFailed> failures = new ArrayList<>();
        GitRepoEvent.CommitDetected last = null;
        GitRepoEvent.Deleted deleted = null;
        for (Event event : events) {
            if (event instanceof GitRepoEvent.CommitFetchFailed f) {
                failures.add(f);
            } else if (event instanceof GitRepoEvent.CommitDetected d) {
                last = d;
            } else if (event instanceof GitRepoEvent.Deleted d) {
                deleted = d;
            }
        }
        return new Polling(List.copyOf(failures), last, deleted);
    }
}
