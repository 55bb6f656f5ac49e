package io.gitjob.job.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitJobEvent.TerminationCause;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.RepoSpec;

class JobDecisionsTest {

    static final GitRepoRef REF = new GitRepoRef("fleet-local", "simple", "uid-1");
    static final String REPO = "https://git.example/simple.git";
    static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    static final RepoSpec SPEC = new RepoSpec(REPO, "main", null, List.of(), null, null, null, false, false, false);

    @Test
    void aNewCommitOfANewGitRepoCreatesOneJobForItsCurrentState() {
        var decision = JobDecisions.onGitRepoEvent(commit("c1", T0), Optional.of(gitRepo(1, 0)), List.of());
        var create = assertInstanceOf(Action.CreateJob.class, single(decision));
        assertEquals(JobNames.name("simple", REPO, "c1", 1, 0), create.jobName());
        assertEquals("c1", create.commit());
        assertEquals(T0, create.eventTime());
    }

    @Test
    void theJobAppliesTheGitReposCurrentGenerationsNotTheLaggingEvents() {
        var event = new GitRepoEvent.CommitDetected("e", T0, REF, 1, 0, REPO, "main", "c1", null, 0.1,
                GitRepoEvent.CommitSource.POLL);
        var create = (Action.CreateJob) single(JobDecisions.onGitRepoEvent(event, Optional.of(gitRepo(3, 2)),
                List.of()));
        assertEquals(3, create.generation());
        assertEquals(2, create.forceSyncGeneration());
    }

    @Test
    void anAppliedStateMakesNoJob() {
        var applied = new GitRepoView(REF, REPO, 1, 0, false, false, "c1", 1, 0, GitRepoView.CURRENT, null);
        assertTrue(JobDecisions.onGitRepoEvent(commit("c1", T0), Optional.of(applied), List.of()).isNothing());
    }

    @Test
    void anExistingJobForTheStateIsNeverRecreatedRunningOrFailed() {
        String name = JobNames.name("simple", REPO, "c1", 1, 0);
        for (JobView.Phase phase : JobView.Phase.values()) {
            var decision = JobDecisions.onGitRepoEvent(commit("c1", T0), Optional.of(gitRepo(1, 0)),
                    List.of(job(name, "c1", 1, 0, phase)));
            assertTrue(decision.isNothing(), phase + ": " + decision);
        }
    }

    @Test
    void aSpecChangeTerminatesTheRunningJobOfTheOldGenerationAndCreatesTheNewOne() {
        var running = job(JobNames.name("simple", REPO, "c1", 1, 0), "c1", 1, 0, JobView.Phase.RUNNING);
        var event = new GitRepoEvent.SpecChanged("e", T0, REF, 2, 0, SPEC, 1, "c1");
        var decision = JobDecisions.onGitRepoEvent(event, Optional.of(gitRepo(2, 0)), List.of(running));
        assertEquals(2, decision.actions().size());
        var terminate = assertInstanceOf(Action.TerminateJob.class, decision.actions().get(0));
        assertEquals(TerminationCause.SPEC_CHANGED, terminate.cause());
        assertEquals(running, terminate.job());
        assertEquals(JobNames.name("simple", REPO, "c1", 2, 0),
                assertInstanceOf(Action.CreateJob.class, decision.actions().get(1)).jobName());
    }

    @Test
    void aForceSyncTerminatesTheRunningJobAsForceSync() {
        var running = job("old", "c1", 2, 0, JobView.Phase.RUNNING);
        var event = new GitRepoEvent.ForceSync("e", T0, REF, 3, 1, SPEC, 0, "c1");
        var decision = JobDecisions.onGitRepoEvent(event, Optional.of(gitRepo(3, 1)), List.of(running));
        assertEquals(TerminationCause.FORCE_SYNC,
                assertInstanceOf(Action.TerminateJob.class, decision.actions().get(0)).cause());
    }

    @Test
    void aFailedOrFinishedJobOfAnOldGenerationIsNotTerminated() {
        var failed = job("old", "c1", 1, 0, JobView.Phase.FAILED);
        var event = new GitRepoEvent.SpecChanged("e", T0, REF, 2, 0, SPEC, 1, "c1");
        var decision = JobDecisions.onGitRepoEvent(event, Optional.of(gitRepo(2, 0)), List.of(failed));
        assertInstanceOf(Action.CreateJob.class, single(decision));
    }

    @Test
    void anEventNotNewerThanTheLastActedOnIsAReplayOrDuplicate() {
        var seen = new GitRepoView(REF, REPO, 1, 0, false, false, "c2", 1, 0, GitRepoView.CURRENT, T0);
        assertTrue(JobDecisions.onGitRepoEvent(commit("c1", T0.minusSeconds(60)), Optional.of(seen), List.of())
                .isNothing());
        assertTrue(JobDecisions.onGitRepoEvent(commit("c1", T0), Optional.of(seen), List.of()).isNothing());
        assertInstanceOf(Action.CreateJob.class,
                single(JobDecisions.onGitRepoEvent(commit("c3", T0.plusSeconds(1)), Optional.of(seen), List.of())));
    }

    @Test
    void aPausedGitRepoGetsNoJob() {
        var paused = new GitRepoView(REF, REPO, 1, 0, true, false, null, 0, 0, null, null);
        assertTrue(JobDecisions.onGitRepoEvent(commit("c1", T0), Optional.of(paused), List.of()).isNothing());
    }

    @Test
    void anEventOfAGoneOrReplacedGitRepoMakesNoJob() {
        assertTrue(JobDecisions.onGitRepoEvent(commit("c1", T0), Optional.empty(), List.of()).isNothing());
        var successor = new GitRepoView(new GitRepoRef("fleet-local", "simple", "uid-2"), REPO, 1, 0, false, false,
                null, 0, 0, null, null);
        assertTrue(JobDecisions.onGitRepoEvent(commit("c1", T0), Optional.of(successor), List.of()).isNothing());
    }

    @Test
    void deletionTerminatesOnlyTheRunningJobsOfThatGitRepo() {
        var running = job("a", "c1", 1, 0, JobView.Phase.RUNNING);
        var failed = job("b", "c0", 1, 0, JobView.Phase.FAILED);
        var ofSuccessor = new JobView("c", new GitRepoRef("fleet-local", "simple", "uid-2"), "c1", 1, 0,
                JobView.Phase.RUNNING, T0, null, null, false, false, T0);
        var decision = JobDecisions.onGitRepoEvent(new GitRepoEvent.Deleted("e", T0, REF, 1, 0), Optional.empty(),
                List.of(running, failed, ofSuccessor));
        var terminate = assertInstanceOf(Action.TerminateJob.class, single(decision));
        assertEquals("a", terminate.job().name());
        assertEquals(TerminationCause.GITREPO_DELETED, terminate.cause());
    }

    @Test
    void aSpecChangeWithoutACommitAppliesTheNewestCommitAJobWasMadeFor() {
        var older = new JobView("j1", REF, "c1", 1, 0, JobView.Phase.FAILED, T0, null, "x", true, false, T0);
        var newer = new JobView("j2", REF, "c2", 1, 0, JobView.Phase.FAILED, T0, null, "x", true, false,
                T0.plusSeconds(5));
        var event = new GitRepoEvent.SpecChanged("e", T0.plusSeconds(9), REF, 2, 0, SPEC, 1, null);
        var create = (Action.CreateJob) single(
                JobDecisions.onGitRepoEvent(event, Optional.of(gitRepo(2, 0)), List.of(newer, older)));
        assertEquals("c2", create.commit());
    }

    @Test
    void withoutAnyCommitKnownThereIsNothingToApply() {
        var event = new GitRepoEvent.Added("e", T0, REF, 1, 0, SPEC, null);
        assertTrue(JobDecisions.onGitRepoEvent(event, Optional.of(gitRepo(1, 0)), List.of()).isNothing());
    }

    @Test
    void aSucceededJobOfTheCurrentStateIsRecordedAsAppliedWithItsDuration() {
        var done = new JobView("j", REF, "c1", 1, 0, JobView.Phase.SUCCEEDED, T0, T0.plusMillis(42_500), null, false,
                false, T0);
        var complete = assertInstanceOf(Action.CompleteSucceededJob.class,
                single(JobDecisions.onJobChanged(done, Optional.of(gitRepo(1, 0)))));
        assertEquals(42.5, complete.durationSeconds());
        assertTrue(complete.markApplied());
        var outdated = assertInstanceOf(Action.CompleteSucceededJob.class,
                single(JobDecisions.onJobChanged(done, Optional.of(gitRepo(2, 0)))));
        assertEquals(false, outdated.markApplied());
    }

    @Test
    void aFailedJobIsReportedOnceAndKept() {
        var failed = new JobView("j", REF, "c1", 1, 0, JobView.Phase.FAILED, T0, null, "BackoffLimitExceeded", false,
                false, T0);
        var report = assertInstanceOf(Action.ReportFailedJob.class,
                single(JobDecisions.onJobChanged(failed, Optional.of(gitRepo(1, 0)))));
        assertTrue(report.markStalled());
        var reported = new JobView("j", REF, "c1", 1, 0, JobView.Phase.FAILED, T0, null, "BackoffLimitExceeded", true,
                false, T0);
        assertTrue(JobDecisions.onJobChanged(reported, Optional.of(gitRepo(1, 0))).isNothing());
    }

    @Test
    void runningOrDeletingJobsAskForNothing() {
        assertTrue(JobDecisions.onJobChanged(job("j", "c1", 1, 0, JobView.Phase.RUNNING), Optional.of(gitRepo(1, 0)))
                .isNothing());
        var deleting = new JobView("j", REF, "c1", 1, 0, JobView.Phase.SUCCEEDED, T0, T0, null, false, true, T0);
        assertTrue(JobDecisions.onJobChanged(deleting, Optional.of(gitRepo(1, 0))).isNothing());
    }

    private static Action single(Decision decision) {
        assertEquals(1, decision.actions().size(), decision.toString());
        return decision.actions().get(0);
    }

    private static GitRepoEvent.CommitDetected commit(String commit, Instant time) {
        return new GitRepoEvent.CommitDetected("e-" + commit, time, REF, 1, 0, REPO, "main", commit, null, 0.1,
                GitRepoEvent.CommitSource.POLL);
    }

    private static GitRepoView gitRepo(long generation, long forceSync) {
        return new GitRepoView(REF, REPO, generation, forceSync, false, false, null, 0, 0, null, null);
    }

    private static JobView job(String name, String commit, long generation, long forceSync, JobView.Phase phase) {
        return new JobView(name, REF, commit, generation, forceSync, phase, T0, null,
                phase == JobView.Phase.FAILED ? "BackoffLimitExceeded" : null, false, false, T0);
    }
}
