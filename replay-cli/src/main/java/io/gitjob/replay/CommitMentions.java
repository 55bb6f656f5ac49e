package io.gitjob.replay;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.gitjob.events.Event;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;

/** Which commits an event names: the one place that knows where each event type keeps its commits. */
final class CommitMentions {

    private CommitMentions() {
    }

    /** The commit a Job's life event is about; null for a decision and where the event names none. */
    static String jobCommit(GitJobEvent event) {
        if (event instanceof GitJobEvent.JobCreated e) {
            return e.commit();
        } else if (event instanceof GitJobEvent.JobCreationFailed e) {
            return e.commit();
        } else if (event instanceof GitJobEvent.JobSucceeded e) {
            return e.commit();
        } else if (event instanceof GitJobEvent.JobFailed e) {
            return e.commit();
        } else if (event instanceof GitJobEvent.JobTerminated e) {
            return e.commit();
        } else if (event instanceof GitJobEvent.JobDeleted e) {
            return e.commit();
        }
        return null;
    }

    /** The commit the watcher knew when it published this event; null for other events. */
    static String watcherCommit(GitRepoEvent event) {
        if (event instanceof GitRepoEvent.CommitDetected e) {
            return e.commit();
        } else if (event instanceof GitRepoEvent.Added e) {
            return e.commit();
        } else if (event instanceof GitRepoEvent.SpecChanged e) {
            return e.commit();
        } else if (event instanceof GitRepoEvent.ForceSync e) {
            return e.commit();
        }
        return null;
    }

    /** Every commit the events name, in the order first named. */
    static Set<String> all(List<Event> events) {
        Set<String> commits = new LinkedHashSet<>();
        for (Event event : events) {
            List<String> named = new ArrayList<>();
            if (event instanceof GitRepoEvent e) {
                named.add(watcherCommit(e));
            } else if (event instanceof GitJobEvent.JobDecided d) {
                named.add(d.seen().wantedCommit());
                named.add(d.seen().commit());
                d.seen().jobs().forEach(j -> named.add(j.commit()));
            } else if (event instanceof GitJobEvent e) {
                named.add(jobCommit(e));
            }
            named.stream().filter(c -> c != null && !c.isBlank()).forEach(commits::add);
        }
        return commits;
    }
}
