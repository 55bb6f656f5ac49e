package io.gitjob.job.decision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.gitjob.events.GitJobEvent.TerminationCause;
import io.gitjob.events.GitRepoEvent;

/**
 * job-service's rules, as pure functions of (event or Job, observed state) to a {@link Decision}. Nothing
 * here talks to Kubernetes or Kafka, so every rule is unit-tested without either.
 */
public final class JobDecisions {

    private JobDecisions() {
    }

    /**
     * What a gitrepo event asks for. A Job is created for a new commit, generation or forceSyncGeneration,
     * and only then; it always applies the GitRepo's <em>current</em> generations, so an event that lags
     * behind a quicker edit does not make a Job that would be replaced at once.
     *
     * @param gitRepo the GitRepo as the API server has it now; empty when it is gone
     * @param jobs the Jobs of that GitRepo (by name, in its namespace)
     */
    public static Decision onGitRepoEvent(GitRepoEvent event, Optional<GitRepoView> gitRepo, List<JobView> jobs) {
        if (event instanceof GitRepoEvent.Deleted) {
            return terminateRunningJobsOfDeletedGitRepo(event, jobs);
        }
        if (event instanceof GitRepoEvent.CommitFetchFailed) {
            return Decision.nothing("a failed fetch changes nothing to apply");
        }
        GitRepoView current = gitRepo.orElse(null);
        if (current == null || current.deleting()) {
            return Decision.nothing("GitRepo no longer exists");
        }
        if (!current.ref().uid().equals(event.gitRepo().uid())) {
            return Decision.nothing("event of an earlier GitRepo of the same name (uid " + event.gitRepo().uid()
                    + ", now " + current.ref().uid() + ")");
        }
        if (isReplayOrDuplicate(event, current)) {
            return Decision.nothing("already acted on an event as new or newer (" + current.observedEventTime()
                    + "): a replay or a duplicate");
        }
        String commit = commitToApply(event, current, jobs);
        if (commit == null) {
            return Decision.nothing("no commit known yet: the first commit brings the first Job");
        }
        if (current.paused()) {
            return Decision.nothing("GitRepo is paused: commit " + commit + " waits");
        }
        if (isApplied(current, commit)) {
            return Decision.nothing("commit " + commit + " is applied at generation " + current.generation()
                    + " and forceSyncGeneration " + current.forceSyncGeneration());
        }
        String jobName = JobNames.name(current.ref().name(), current.repo(), commit, current.generation(),
                current.forceSyncGeneration());
        if (jobs.stream().anyMatch(j -> j.name().equals(jobName))) {
            // Running, failed (kept for troubleshooting) or on its way out: never recreated (Fleet #2853).
            return Decision.nothing("Job " + jobName + " for this state exists");
        }
        List<Action> actions = new ArrayList<>();
        for (JobView job : jobs) {
            if (job.running() && isOutdated(job, current)) {
                actions.add(new Action.TerminateJob(job, job.forceSyncGeneration() != current.forceSyncGeneration()
                        ? TerminationCause.FORCE_SYNC
                        : TerminationCause.SPEC_CHANGED));
            }
        }
        actions.add(new Action.CreateJob(jobName, commit, current.generation(), current.forceSyncGeneration(),
                event.time()));
        return new Decision(actions, "new state: commit " + commit + ", generation " + current.generation()
                + ", forceSyncGeneration " + current.forceSyncGeneration());
    }

    /**
     * What a change of one of job-service's Jobs asks for: a success is recorded and the Job deleted at
     * once; a failure is reported once and the Job kept; a running Job is left alone.
     */
    public static Decision onJobChanged(JobView job, Optional<GitRepoView> gitRepo) {
        if (job.deleting()) {
            return Decision.nothing("Job " + job.name() + " is being deleted");
        }
        boolean current = gitRepo.filter(g -> !g.deleting() && g.ref().uid().equals(job.gitRepo().uid())
                && !isOutdated(job, g)).isPresent();
        return switch (job.phase()) {
            case RUNNING -> Decision.nothing("Job " + job.name() + " is running");
            case SUCCEEDED -> new Decision(List.of(new Action.CompleteSucceededJob(job, durationSeconds(job), current)),
                    "Job " + job.name() + " succeeded");
            case FAILED -> job.failureReported()
                    ? Decision.nothing("failure of Job " + job.name() + " was reported")
                    : new Decision(List.of(new Action.ReportFailedJob(job, current)),
                            "Job " + job.name() + " failed: " + job.failureReason());
        };
    }

    /** Events of a GitRepo come in order from one partition, so one not newer than the last acted on is old. */
    static boolean isReplayOrDuplicate(GitRepoEvent event, GitRepoView gitRepo) {
        return gitRepo.observedEventTime() != null && !event.time().isAfter(gitRepo.observedEventTime());
    }

    /** The commit a change applies: the event's, else the newest one a Job was made for, else the applied one. */
    static String commitToApply(GitRepoEvent event, GitRepoView gitRepo, List<JobView> jobs) {
        String fromEvent = null;
        if (event instanceof GitRepoEvent.CommitDetected e) {
            fromEvent = e.commit();
        } else if (event instanceof GitRepoEvent.Added e) {
            fromEvent = e.commit();
        } else if (event instanceof GitRepoEvent.SpecChanged e) {
            fromEvent = e.commit();
        } else if (event instanceof GitRepoEvent.ForceSync e) {
            fromEvent = e.commit();
        }
        if (fromEvent != null) {
            return fromEvent;
        }
        return jobs.stream().filter(j -> j.commit() != null).max(Comparator.comparing(JobView::created))
                .map(JobView::commit).orElse(gitRepo.appliedCommit());
    }

    static boolean isApplied(GitRepoView gitRepo, String commit) {
        return commit.equals(gitRepo.appliedCommit()) && GitRepoView.CURRENT.equals(gitRepo.gitJobStatus())
                && gitRepo.observedGeneration() == gitRepo.generation()
                && gitRepo.updateGeneration() == gitRepo.forceSyncGeneration();
    }

    static boolean isOutdated(JobView job, GitRepoView gitRepo) {
        return job.generation() != gitRepo.generation() || job.forceSyncGeneration() != gitRepo.forceSyncGeneration();
    }

    static double durationSeconds(JobView job) {
        if (job.startTime() == null || job.completionTime() == null
                || job.completionTime().isBefore(job.startTime())) {
            return 0;
        }
        return Duration.between(job.startTime(), job.completionTime()).toMillis() / 1000.0;
    }

    private static Decision terminateRunningJobsOfDeletedGitRepo(GitRepoEvent event, List<JobView> jobs) {
        List<Action> actions = jobs.stream()
                .filter(j -> j.running() && j.gitRepo().uid().equals(event.gitRepo().uid()))
                .<Action>map(j -> new Action.TerminateJob(j, TerminationCause.GITREPO_DELETED))
                .toList();
        return new Decision(actions, actions.isEmpty() ? "GitRepo deleted; no running Job"
                : "GitRepo deleted: terminating its running Job(s)");
    }
}
