package io.gitjob.job.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitJobEvent.TerminationCause;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.JobMode;
import io.gitjob.gitrepo.JobPhase;

/** The one rule, state by state: (GitRepo as it is, its Jobs) to actions, with no broker or API server. */
class JobDecisionsTest {

    static final GitRepoRef REF = new GitRepoRef("fleet-local", "simple", "uid-1");
    static final String REPO = "https://git.example/simple.git";
    static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

    @Test
    void aNewCommitCreatesOneJobForTheGitReposCurrentState() {
        var decision = JobDecisions.reconcile(Optional.of(gitRepo("c1", 3, 2)), List.of());
        var create = assertInstanceOf(Action.CreateJob.class, single(decision));
        assertEquals(JobNames.name("simple", "uid-1", REPO, "c1", 3, 2), create.jobName());
        assertEquals("c1", create.commit());
        assertEquals(3, create.generation());
        assertEquals(2, create.forceSyncGeneration());
    }

    @Test
    void withoutAnyCommitKnownThereIsNothingToApply() {
        assertTrue(JobDecisions.reconcile(Optional.of(gitRepo(null, 1, 0)), List.of()).isNothing());
    }

    @Test
    void anAppliedStateMakesNoJobAndNeitherDoesAFailedOne() {
        assertTrue(JobDecisions.reconcile(Optional.of(status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.CURRENT)),
                List.of()).isNothing());
        assertTrue(JobDecisions.reconcile(Optional.of(status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.FAILED)),
                List.of()).isNothing(), "a failed state is retried by a force sync, a spec change or a new commit");
    }

    @Test
    void anOlderCommitIsNeverAppliedAgainWhateverEventsSay() {
        // The rule reads no event: a replay of commit c1's detection cannot bring c1 back while c2 is wanted.
        var appliedC2 = status(gitRepo("c2", 1, 0), "c2", 1, 0, GitRepoView.CURRENT);
        assertTrue(JobDecisions.reconcile(Optional.of(appliedC2), List.of()).isNothing());
    }

    @Test
    void aStateInProgressWhoseJobVanishedIsAppliedAgain() {
        // Running Job deleted by hand, or the create recorded but the Job lost: nothing was applied.
        var inProgress = status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS);
        assertInstanceOf(Action.CreateJob.class, single(JobDecisions.reconcile(Optional.of(inProgress), List.of())));
    }

    @Test
    void aJobForTheWantedStateIsNeverRecreatedWhateverItsPhase() {
        var g = status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS);
        String name = JobNames.name("simple", "uid-1", REPO, "c1", 1, 0);
        assertTrue(JobDecisions.reconcile(Optional.of(g), List.of(job(name, "c1", 1, 0, JobPhase.RUNNING)))
                .isNothing());
        var failedReported = withReported(job(name, "c1", 1, 0, JobPhase.FAILED));
        assertTrue(JobDecisions.reconcile(Optional.of(g), List.of(failedReported)).isNothing());
    }

    @Test
    void aJobWhoseCreationWasNotRecordedIsAdopted() {
        // Crash between the create and the status write, or a create answered 409: the status lags behind.
        var g = status(gitRepo("c2", 1, 0), "c1", 1, 0, GitRepoView.CURRENT);
        String name = JobNames.name("simple", "uid-1", REPO, "c2", 1, 0);
        var adopt = assertInstanceOf(Action.AdoptJob.class,
                single(JobDecisions.reconcile(Optional.of(g), List.of(job(name, "c2", 1, 0, JobPhase.RUNNING)))));
        assertEquals(name, adopt.job().name());
    }

    @Test
    void anUnrecordedJobThatSucceededMeanwhileIsAdoptedThenCompletedAsApplied() {
        var g = status(gitRepo("c2", 1, 0), "c1", 1, 0, GitRepoView.CURRENT);
        String name = JobNames.name("simple", "uid-1", REPO, "c2", 1, 0);
        var done = new JobView(name, "u", "1", REF, "c2", 1, 0, JobPhase.SUCCEEDED, T0, T0.plusSeconds(3), null,
                false, false, null);
        var actions = JobDecisions.reconcile(Optional.of(g), List.of(done)).actions();
        assertEquals(2, actions.size(), actions.toString());
        assertInstanceOf(Action.AdoptJob.class, actions.get(0));
        assertTrue(assertInstanceOf(Action.CompleteSucceededJob.class, actions.get(1)).markApplied());
    }

    @Test
    void aSpecChangeTerminatesTheRunningJobOfTheOldGenerationThenCreatesTheNewOne() {
        var running = job(JobNames.name("simple", "uid-1", REPO, "c1", 1, 0), "c1", 1, 0, JobPhase.RUNNING);
        var g = status(gitRepo("c1", 2, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS);
        var decision = JobDecisions.reconcile(Optional.of(g), List.of(running));
        assertEquals(2, decision.actions().size());
        var terminate = assertInstanceOf(Action.TerminateJob.class, decision.actions().get(0));
        assertEquals(TerminationCause.SPEC_CHANGED, terminate.cause());
        assertEquals(running, terminate.job());
        assertEquals(JobNames.name("simple", "uid-1", REPO, "c1", 2, 0),
                assertInstanceOf(Action.CreateJob.class, decision.actions().get(1)).jobName());
    }

    @Test
    void aForceSyncTerminatesTheRunningJobAsForceSync() {
        var running = job("old", "c1", 3, 0, JobPhase.RUNNING);
        var decision = JobDecisions.reconcile(Optional.of(gitRepo("c1", 3, 1)), List.of(running));
        assertEquals(TerminationCause.FORCE_SYNC,
                assertInstanceOf(Action.TerminateJob.class, decision.actions().get(0)).cause());
    }

    @Test
    void aNewCommitWhileAJobRunsReplacesIt() {
        var running = job(JobNames.name("simple", "uid-1", REPO, "c1", 1, 0), "c1", 1, 0, JobPhase.RUNNING);
        var g = status(gitRepo("c2", 1, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS);
        var decision = JobDecisions.reconcile(Optional.of(g), List.of(running));
        assertEquals(TerminationCause.NEW_COMMIT,
                assertInstanceOf(Action.TerminateJob.class, decision.actions().get(0)).cause());
        assertEquals("c2", assertInstanceOf(Action.CreateJob.class, decision.actions().get(1)).commit());
    }

    @Test
    void aFailedJobOfAnOldStateIsKeptAndNotTerminated() {
        var failed = withReported(job("old", "c1", 1, 0, JobPhase.FAILED));
        var decision = JobDecisions.reconcile(Optional.of(gitRepo("c1", 2, 0)), List.of(failed));
        assertInstanceOf(Action.CreateJob.class, single(decision));
    }

    @Test
    void aPausedGitRepoGetsNoJobButItsFinishedJobsAreStillHandled() {
        var paused = paused(status(gitRepo("c2", 1, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS));
        assertTrue(JobDecisions.reconcile(Optional.of(paused), List.of()).isNothing());
        var done = new JobView(JobNames.name("simple", "uid-1", REPO, "c1", 1, 0), "u", "1", REF, "c1", 1, 0,
                JobPhase.SUCCEEDED, T0, T0, null, false, false, null);
        var complete = assertInstanceOf(Action.CompleteSucceededJob.class,
                single(JobDecisions.reconcile(Optional.of(paused), List.of(done))));
        assertTrue(complete.markApplied(), "the status names this Job: its success is the GitRepo's");
    }

    @Test
    void aGoneGitRepoTerminatesOnlyTheRunningJobsOfThatName() {
        var running = job("a", "c1", 1, 0, JobPhase.RUNNING);
        var failed = job("b", "c0", 1, 0, JobPhase.FAILED);
        var decision = JobDecisions.reconcile(Optional.empty(), List.of(running, failed));
        var terminate = assertInstanceOf(Action.TerminateJob.class, single(decision));
        assertEquals("a", terminate.job().name());
        assertEquals(TerminationCause.GITREPO_DELETED, terminate.cause());
    }

    @Test
    void aGitRepoBeingDeletedGetsNoJobAndItsRunningJobIsTerminated() {
        var deleting = new GitRepoView(REF, REPO, 1, 0, false, true, "c2", null, 0, 0, null);
        var running = job("a", "c1", 1, 0, JobPhase.RUNNING);
        var terminate = assertInstanceOf(Action.TerminateJob.class,
                single(JobDecisions.reconcile(Optional.of(deleting), List.of(running))));
        assertEquals(TerminationCause.GITREPO_DELETED, terminate.cause());
    }

    @Test
    void aRunningJobOfAnEarlierGitRepoOfTheSameNameIsTerminatedAndNeverAdopted() {
        var ofPredecessor = new JobView(JobNames.name("simple", "uid-1", REPO, "c1", 1, 0), "u", "1",
                new GitRepoRef("fleet-local", "simple", "uid-0"), "c1", 1, 0, JobPhase.RUNNING, T0, null, null, false,
                false, null);
        var actions = JobDecisions.reconcile(Optional.of(gitRepo("c1", 1, 0)), List.of(ofPredecessor)).actions();
        assertEquals(TerminationCause.GITREPO_DELETED,
                assertInstanceOf(Action.TerminateJob.class, actions.get(0)).cause());
        assertInstanceOf(Action.CreateJob.class, actions.get(1));
    }

    @Test
    void aSucceededJobOfTheWantedStateIsRecordedAsAppliedWithItsDuration() {
        String name = JobNames.name("simple", "uid-1", REPO, "c1", 1, 0);
        var g = status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS);
        var done = new JobView(name, "u", "1", REF, "c1", 1, 0, JobPhase.SUCCEEDED, T0, T0.plusMillis(42_500), null,
                false, false, null);
        var complete = assertInstanceOf(Action.CompleteSucceededJob.class,
                single(JobDecisions.reconcile(Optional.of(g), List.of(done))));
        assertEquals(42.5, complete.durationSeconds());
        assertTrue(complete.markApplied());
    }

    @Test
    void aSucceededJobOfAStateNoLongerWantedIsDeletedWithoutMarkingItApplied() {
        var done = new JobView("old", "u", "1", REF, "c1", 1, 0, JobPhase.SUCCEEDED, T0, T0, null, false, false,
                null);
        var g = status(gitRepo("c1", 2, 0), "c1", 2, 0, GitRepoView.IN_PROGRESS);
        var complete = assertInstanceOf(Action.CompleteSucceededJob.class,
                JobDecisions.reconcile(Optional.of(g), List.of(done)).actions().get(0));
        assertFalse(complete.markApplied());
    }

    @Test
    void aFailedJobIsReportedOnceAndKept() {
        String name = JobNames.name("simple", "uid-1", REPO, "c1", 1, 0);
        var g = status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS);
        var failed = job(name, "c1", 1, 0, JobPhase.FAILED);
        var report = assertInstanceOf(Action.ReportFailedJob.class,
                single(JobDecisions.reconcile(Optional.of(g), List.of(failed))));
        assertTrue(report.markStalled());
        assertTrue(JobDecisions.reconcile(Optional.of(status(g, "c1", 1, 0, GitRepoView.FAILED)),
                List.of(withReported(failed))).isNothing());
    }

    @Test
    void aBranchPushedBackToACommitWhoseJobFailedBeforeShowsThatFailureAgain() {
        // c2's Job failed and is kept; the branch moved on to c3 (applied), then was pushed back to c2.
        var g = status(gitRepo("c2", 1, 0), "c3", 1, 0, GitRepoView.CURRENT);
        var failed = withReported(job(JobNames.name("simple", "uid-1", REPO, "c2", 1, 0), "c2", 1, 0,
                JobPhase.FAILED));
        var actions = JobDecisions.reconcile(Optional.of(g), List.of(failed)).actions();
        var report = assertInstanceOf(Action.ReportFailedJob.class, actions.get(actions.size() - 1));
        assertTrue(report.markStalled(), "the status must stop saying c3 is what the GitRepo wants");
        var shown = status(g, "c2", 1, 0, GitRepoView.FAILED);
        assertTrue(JobDecisions.reconcile(Optional.of(shown), List.of(failed)).isNothing());
    }

    @Test
    void aJobOnItsWayOutAsksForNothing() {
        String name = JobNames.name("simple", "uid-1", REPO, "c1", 1, 0);
        var g = status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.CURRENT);
        var deleting = new JobView(name, "u", "1", REF, "c1", 1, 0, JobPhase.SUCCEEDED, T0, T0, null, false, true,
                null);
        assertTrue(JobDecisions.reconcile(Optional.of(g), List.of(deleting)).isNothing());
    }

    @Test
    void theSameStateDecidedTwiceGivesTheSameJobName() {
        var a = (Action.CreateJob) single(JobDecisions.reconcile(Optional.of(gitRepo("c1", 4, 2)), List.of()));
        var b = (Action.CreateJob) single(JobDecisions.reconcile(Optional.of(gitRepo("c1", 4, 2)), List.of()));
        assertEquals(a, b);
    }

    @Test
    void inFleetModeFleetsFinalizerIsAddedBeforeTheFirstJob() {
        var g = fleet(gitRepo("c1", 1, 0), false);
        var decision = JobDecisions.reconcile(Optional.of(g), List.of());
        assertEquals(2, decision.actions().size(), decision.toString());
        assertInstanceOf(Action.AddFinalizer.class, decision.actions().get(0));
        assertInstanceOf(Action.CreateJob.class, decision.actions().get(1));
        // Already there: only the Job; a standalone GitRepo never gets it.
        assertInstanceOf(Action.CreateJob.class, single(JobDecisions.reconcile(Optional.of(fleet(gitRepo("c1", 1, 0),
                true)), List.of())));
        assertInstanceOf(Action.CreateJob.class, single(JobDecisions.reconcile(Optional.of(gitRepo("c1", 1, 0)),
                List.of())));
    }

    @Test
    void aDeletedGitRepoWithFleetsFinalizerIsReleasedWhateverTheModeAndMadeNoJob() {
        var deletingFleet = fleet(deleting(gitRepo("c1", 1, 0)), true);
        String name = JobNames.name("simple", "uid-1", REPO, "c1", 1, 0);
        var decision = JobDecisions.reconcile(Optional.of(deletingFleet), List.of(job(name, "c1", 1, 0,
                JobPhase.RUNNING)));
        assertEquals(2, decision.actions().size(), decision.toString());
        assertInstanceOf(Action.TerminateJob.class, decision.actions().get(0));
        assertInstanceOf(Action.ReleaseGitRepo.class, decision.actions().get(1));
        // Made under Fleet and deleted while gitjob runs standalone: the finalizer goes too.
        var standaloneWithFleetsFinalizer = withMode(deleting(gitRepo("c1", 1, 0)), JobMode.KUBECTL, null, null, true);
        assertInstanceOf(Action.ReleaseGitRepo.class, single(JobDecisions.reconcile(
                Optional.of(standaloneWithFleetsFinalizer), List.of())));
        // Without the finalizer there is nothing to release.
        assertTrue(JobDecisions.reconcile(Optional.of(deleting(gitRepo("c1", 1, 0))), List.of()).isNothing());
    }

    @Test
    void anUnknownJobModeIsRefusedOnceAndMakesNoJob() {
        String problem = "annotation gitjob.io/job-mode=helm names no job mode (fleet or kubectl)";
        var refused = assertInstanceOf(Action.RefuseGitRepo.class, single(JobDecisions.reconcile(
                Optional.of(withMode(gitRepo("c1", 1, 0), null, problem, null, false)), List.of())));
        assertEquals(problem, refused.message());
        assertTrue(JobDecisions.reconcile(Optional.of(withMode(gitRepo("c1", 1, 0), null, problem, problem, false)),
                List.of()).isNothing(), "already said: not written again on every resync");
    }

    @Test
    void aJobWhosePodCannotStartIsReportedOnceThenReplacedByTheNextCommit() {
        String c1 = JobNames.name("simple", "uid-1", REPO, "c1", 1, 0);
        var g = status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.IN_PROGRESS);
        var stuck = stuck(job(c1, "c1", 1, 0, JobPhase.RUNNING), false);
        var report = assertInstanceOf(Action.ReportFailedJob.class, single(JobDecisions.reconcile(Optional.of(g),
                List.of(stuck))));
        assertTrue(report.markStalled());
        var reported = status(gitRepo("c1", 1, 0), "c1", 1, 0, GitRepoView.FAILED);
        assertTrue(JobDecisions.reconcile(Optional.of(reported), List.of(stuck(stuck, true))).isNothing());
        // Kubernetes would retry its image for ever: a new commit terminates it like a running Job.
        var next = status(gitRepo("c2", 1, 0), "c1", 1, 0, GitRepoView.FAILED);
        var decision = JobDecisions.reconcile(Optional.of(next), List.of(stuck(stuck, true)));
        assertEquals(2, decision.actions().size(), decision.toString());
        var terminate = assertInstanceOf(Action.TerminateJob.class, decision.actions().get(0));
        assertEquals(TerminationCause.NEW_COMMIT, terminate.cause());
        assertInstanceOf(Action.CreateJob.class, decision.actions().get(1));
    }

    private static JobView stuck(JobView j, boolean reported) {
        return new JobView(j.name(), j.uid(), j.resourceVersion(), j.gitRepo(), j.commit(), j.generation(),
                j.forceSyncGeneration(), JobPhase.FAILED, j.startTime(), null,
                "ErrImagePull (container fleet): pull access denied", reported, false, null, true);
    }

    private static GitRepoView deleting(GitRepoView g) {
        return new GitRepoView(g.ref(), g.repo(), g.generation(), g.forceSyncGeneration(), g.paused(), true,
                g.wantedCommit(), g.commit(), g.observedGeneration(), g.updateGeneration(), g.gitJobStatus());
    }

    private static GitRepoView fleet(GitRepoView g, boolean finalizer) {
        return withMode(g, JobMode.FLEET, null, null, finalizer);
    }

    private static GitRepoView withMode(GitRepoView g, JobMode mode, String problem, String notAccepted,
            boolean finalizer) {
        return new GitRepoView(g.ref(), g.repo(), g.generation(), g.forceSyncGeneration(), g.paused(), g.deleting(),
                g.wantedCommit(), g.commit(), g.observedGeneration(), g.updateGeneration(), g.gitJobStatus(), mode,
                problem, notAccepted, finalizer);
    }

    private static Action single(Decision decision) {
        assertEquals(1, decision.actions().size(), decision.toString());
        return decision.actions().get(0);
    }

    private static GitRepoView gitRepo(String wanted, long generation, long forceSync) {
        return new GitRepoView(REF, REPO, generation, forceSync, false, false, wanted, null, 0, 0, null);
    }

    private static GitRepoView status(GitRepoView g, String commit, long observed, long update, String jobStatus) {
        return new GitRepoView(g.ref(), g.repo(), g.generation(), g.forceSyncGeneration(), g.paused(), g.deleting(),
                g.wantedCommit(), commit, observed, update, jobStatus);
    }

    private static GitRepoView paused(GitRepoView g) {
        return new GitRepoView(g.ref(), g.repo(), g.generation(), g.forceSyncGeneration(), true, g.deleting(),
                g.wantedCommit(), g.commit(), g.observedGeneration(), g.updateGeneration(), g.gitJobStatus());
    }

    private static JobView job(String name, String commit, long generation, long forceSync, JobPhase phase) {
        return new JobView(name, "uid-" + name, "1", REF, commit, generation, forceSync, phase, T0, null,
                phase == JobPhase.FAILED ? "BackoffLimitExceeded" : null, false, false, null);
    }

    private static JobView withReported(JobView j) {
        return new JobView(j.name(), j.uid(), j.resourceVersion(), j.gitRepo(), j.commit(), j.generation(),
                j.forceSyncGeneration(), j.phase(), j.startTime(), j.completionTime(), j.failureReason(), true,
                j.deleting(), null);
    }
}
