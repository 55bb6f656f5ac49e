package io.gitjob.job.decision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.gitjob.events.GitJobEvent.TerminationCause;
import io.gitjob.gitrepo.JobMode;

/**
 * job-service's one rule: a pure function of a GitRepo as it is now and its Jobs to the {@link Decision} that
 * brings them to the wanted state. It is recomputed on every trigger (a gitrepo event, a GitRepo or Job change,
 * a retry, the periodic resync), so an event is never the only place a wanted state lives, and it never reads
 * an event: replaying any topic changes nothing, as nothing older than the GitRepo's durable state is applied.
 *
 * <p>The wanted state is (status.pollingCommit, generation, forceSyncGeneration); its Job's name is a pure
 * function of it ({@link JobNames}). Nothing here talks to Kubernetes or Kafka.
 */
public final class JobDecisions {

    private JobDecisions() {
    }

    /**
     * @param gitRepo the GitRepo of that namespace/name as it is now; empty when it is gone
     * @param jobs the Jobs gitjob made for a GitRepo of that namespace/name (any uid)
     */
    public static Decision reconcile(Optional<GitRepoView> gitRepo, List<JobView> jobs) {
        GitRepoView current = gitRepo.orElse(null);
        List<Action> actions = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        terminateJobsOfGoneGitRepos(current, jobs, actions, reasons);
        if (current != null && current.deleting() && current.fleetFinalizer()) {
            actions.add(new Action.ReleaseGitRepo());
            reasons.add("GitRepo is being deleted: its Bundles are purged, then Fleet's finalizer is removed");
        }
        if (current == null || current.deleting()) {
            return decision(actions, reasons, current == null ? "GitRepo does not exist" : "GitRepo is being deleted");
        }
        if (current.modeProblem() != null) {
            if (!current.modeProblem().equals(current.notAccepted())) {
                actions.add(new Action.RefuseGitRepo(current.modeProblem()));
            }
            return decision(actions, reasons, "no Job can be made: " + current.modeProblem());
        }
        if (current.mode() == JobMode.FLEET && !current.fleetFinalizer()) {
            actions.add(new Action.AddFinalizer());
            reasons.add("fleet mode: Fleet's finalizer keeps the GitRepo until its Bundles are purged");
        }
        List<JobView> own = jobs.stream().filter(j -> j.gitRepo().uid().equals(current.ref().uid())).toList();
        String wanted = wantedJobName(current);
        for (JobView job : own) {
            finishedJob(job, current, job.name().equals(wanted), actions, reasons);
        }
        if (wanted == null) {
            return decision(actions, reasons, "no commit known yet: the watcher's first poll brings the first Job");
        }
        if (current.paused()) {
            return decision(actions, reasons, "GitRepo is paused: commit " + current.wantedCommit() + " waits");
        }
        Optional<JobView> wantedJob = own.stream().filter(j -> j.name().equals(wanted)).findFirst();
        if (wantedJob.isEmpty() && isSettled(current)) {
            return decision(actions, reasons, "commit " + current.wantedCommit() + " is " + current.gitJobStatus()
                    + " at generation " + current.generation() + " and forceSyncGeneration "
                    + current.forceSyncGeneration());
        }
        // Fleet's order: the Job of an older state is deleted before the next one starts, so two applies of one
        // GitRepo never race and the last to finish never wins by chance.
        for (JobView job : own) {
            if (job.active() && !job.name().equals(wanted)) {
                actions.add(new Action.TerminateJob(job, causeOfReplacing(job, current)));
                reasons.add("Job " + job.name() + " is replaced");
            }
        }
        if (wantedJob.isPresent()) {
            if (wantedJob.get().running()) {
                adoptIfUnrecorded(wantedJob.get(), current, actions, reasons);
            }
            // Running, failed (kept for troubleshooting) or on its way out: never made twice (Fleet #2853).
            return decision(actions, reasons, "Job " + wanted + " for the wanted state exists");
        }
        actions.add(new Action.CreateJob(wanted, current.wantedCommit(), current.generation(),
                current.forceSyncGeneration()));
        reasons.add("wanted state: commit " + current.wantedCommit() + ", generation " + current.generation()
                + ", forceSyncGeneration " + current.forceSyncGeneration());
        return new Decision(actions, String.join("; ", reasons));
    }

    /** The name of the Job that applies the wanted state; null while no commit is known. */
    public static String wantedJobName(GitRepoView gitRepo) {
        if (gitRepo.wantedCommit() == null || gitRepo.repo() == null) {
            return null;
        }
        return JobNames.name(gitRepo.ref().name(), gitRepo.ref().uid(), gitRepo.repo(), gitRepo.wantedCommit(), gitRepo.generation(),
                gitRepo.forceSyncGeneration());
    }

    /**
     * The wanted state was applied (Current) or its Job failed (Failed, kept for troubleshooting): either way
     * it is done, and no Job is made for it again. A force sync, a spec change or a new commit asks again.
     */
    static boolean isSettled(GitRepoView gitRepo) {
        return gitRepo.wantedCommit().equals(gitRepo.commit()) && gitRepo.observedGeneration() == gitRepo.generation()
                && gitRepo.updateGeneration() == gitRepo.forceSyncGeneration()
                && (GitRepoView.CURRENT.equals(gitRepo.gitJobStatus())
                        || GitRepoView.FAILED.equals(gitRepo.gitJobStatus()));
    }

    /** A success is recorded and the Job deleted at once; a failure is reported once and the Job kept. */
    private static void finishedJob(JobView job, GitRepoView gitRepo, boolean wanted, List<Action> actions,
            List<String> reasons) {
        if (job.deleting()) {
            return;
        }
        boolean current = wanted || gitRepo.statusNames(job);
        switch (job.phase()) {
            case RUNNING -> {
            }
            case SUCCEEDED -> {
                if (wanted) {
                    adoptIfUnrecorded(job, gitRepo, actions, reasons);
                }
                actions.add(new Action.CompleteSucceededJob(job, durationSeconds(job), current));
                reasons.add("Job " + job.name() + " succeeded");
            }
            case FAILED -> {
                // Reported once; again only when the wanted state comes back to a Job that failed before (a
                // branch pushed back to that commit) and the status names another state.
                if (!job.failureReported() || (wanted && !gitRepo.statusNames(job))) {
                    if (wanted) {
                        adoptIfUnrecorded(job, gitRepo, actions, reasons);
                    }
                    actions.add(new Action.ReportFailedJob(job, current));
                    reasons.add("Job " + job.name() + " failed: " + job.failureReason());
                }
            }
        }
    }

    /** A Job for the wanted state that the status does not name yet: its creation was not recorded. */
    private static void adoptIfUnrecorded(JobView job, GitRepoView gitRepo, List<Action> actions,
            List<String> reasons) {
        if (!gitRepo.statusNames(job)) {
            actions.add(new Action.AdoptJob(job));
            reasons.add("Job " + job.name() + " exists but its creation was not recorded: adopted");
        }
    }

    /** Running Jobs of a deleted GitRepo, or of an earlier GitRepo of the same name, are terminated. */
    private static void terminateJobsOfGoneGitRepos(GitRepoView current, List<JobView> jobs, List<Action> actions,
            List<String> reasons) {
        for (JobView job : jobs) {
            boolean gone = current == null || current.deleting() || !job.gitRepo().uid().equals(current.ref().uid());
            if (gone && job.active()) {
                actions.add(new Action.TerminateJob(job, TerminationCause.GITREPO_DELETED));
                reasons.add("Job " + job.name() + " belongs to a deleted GitRepo");
            }
        }
    }

    static TerminationCause causeOfReplacing(JobView job, GitRepoView gitRepo) {
        if (job.forceSyncGeneration() != gitRepo.forceSyncGeneration()) {
            return TerminationCause.FORCE_SYNC;
        }
        if (job.generation() != gitRepo.generation()) {
            return TerminationCause.SPEC_CHANGED;
        }
        return TerminationCause.NEW_COMMIT;
    }

    static double durationSeconds(JobView job) {
        if (job.startTime() == null || job.completionTime() == null
                || job.completionTime().isBefore(job.startTime())) {
            return 0;
        }
        return Duration.between(job.startTime(), job.completionTime()).toMillis() / 1000.0;
    }

    private static Decision decision(List<Action> actions, List<String> reasons, String last) {
        List<String> all = new ArrayList<>(reasons);
        all.add(last);
        return new Decision(actions, String.join("; ", all));
    }
}
