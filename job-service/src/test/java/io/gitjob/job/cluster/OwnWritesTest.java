package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;

/** A decision waits until the caches show job-service's own writes, and not for ever. */
class OwnWritesTest {

    private static final GitRepoKey KEY = new GitRepoKey("ns", "app");
    private final AtomicLong nanos = new AtomicLong();
    private final OwnWrites writes = new OwnWrites(Duration.ofSeconds(10), nanos::get);

    @Test
    void aStatusWriteIsWaitedForUntilTheInformerDeliversIt() {
        writes.writingGitRepo(KEY);
        writes.wroteGitRepo(KEY, gitRepo("12"));

        assertTrue(writes.waitFor(KEY, Optional.of(gitRepo("11")), List.of()).remaining().isPresent(),
                "the cache is behind");
        writes.seenGitRepo(KEY, "11");
        assertTrue(writes.waitFor(KEY, Optional.of(gitRepo("11")), List.of()).remaining().isPresent());
        writes.seenGitRepo(KEY, "12");
        // Someone wrote after it: the cache is newer than the write, which it showed on the way.
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.of(gitRepo("13")), List.of()).remaining());
    }

    @Test
    void aWriteWhoseEventCameBeforeItsAnswerIsNotWaitedForWhateverCameAfter() {
        writes.writingGitRepo(KEY);
        writes.seenGitRepo(KEY, "12"); // the informer, before the PATCH's answer is back
        writes.seenGitRepo(KEY, "13"); // and someone else's write after it
        writes.wroteGitRepo(KEY, gitRepo("12"));
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.of(gitRepo("13")), List.of()).remaining());
        assertEquals(0, writes.pendingGitRepos());
    }

    @Test
    void aWriteInFlightIsWaitedForAndOneThatWroteNothingIsNot() {
        writes.writingGitRepo(KEY);
        assertTrue(writes.waitFor(KEY, Optional.of(gitRepo("11")), List.of()).remaining().isPresent());
        writes.wroteGitRepo(KEY, null);
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.of(gitRepo("11")), List.of()).remaining());
    }

    @Test
    void aWriteTheCacheAlreadyHoldsIsNotWaitedFor() {
        writes.wroteGitRepo(KEY, gitRepo("12"));
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.of(gitRepo("12")), List.of()).remaining());
    }

    @Test
    void aCreatedJobIsWaitedForUntilTheCacheHoldsIt() {
        writes.createdJob(KEY, job("app-1", "5", false));

        assertTrue(writes.waitFor(KEY, Optional.empty(), List.of()).remaining().isPresent());
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.empty(), List.of(job("app-1", "5", false))).remaining());
    }

    @Test
    void aDeletedJobIsWaitedForUntilTheCacheLetsItGo() {
        writes.deletedJob(KEY, "app-1");

        assertTrue(writes.waitFor(KEY, Optional.empty(), List.of(job("app-1", "5", false))).remaining().isPresent());
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.empty(), List.of(job("app-1", "6", true))).remaining(),
                "being deleted is enough");
        writes.deletedJob(KEY, "app-2");
        writes.seenJob(KEY, "app-2", "7", true);
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.empty(), List.of(job("app-2", "5", false))).remaining(),
                "the informer delivered the deletion");
    }

    @Test
    void aWriteNeverShownStopsBeingWaitedForAfterThePatience() {
        writes.wroteGitRepo(KEY, gitRepo("12"));
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        assertEquals(Optional.of(Duration.ofSeconds(6)), writes.waitFor(KEY, Optional.of(gitRepo("11")), List.of())
                .remaining());

        nanos.addAndGet(Duration.ofSeconds(6).toNanos());
        assertEquals(Optional.empty(), writes.waitFor(KEY, Optional.of(gitRepo("11")), List.of()).remaining());
        assertEquals(0, writes.pendingGitRepos(), "nothing kept once given up");
    }

    /**
     * The CI failure of 2026-12-03 (theSameEventDeliveredThreeTimesMakesOneJob): the informer put the status
     * write in its store and told it seen just after the reconcile had read its store. A decision on that read
     * took the Job just created for one whose creation was not recorded, and published its creation again.
     */
    @Test
    void theDecisionIsTakenOnACacheReadAfterTheWriteWasFoundShown() {
        writes.createdJob(KEY, job("app-1", "5", false));
        writes.writingGitRepo(KEY);
        writes.wroteGitRepo(KEY, gitRepo("12"));
        java.util.concurrent.atomic.AtomicReference<GitRepo> store = new java.util.concurrent.atomic.AtomicReference<>(
                gitRepo("11"));
        java.util.function.Supplier<Optional<GitRepo>> read = () -> {
            GitRepo got = store.get();
            if (got.getMetadata().getResourceVersion().equals("11")) {
                // The informer, right after this read: its store first, then its handler.
                store.set(gitRepo("12"));
                writes.seenGitRepo(KEY, "12");
            }
            return Optional.of(got);
        };

        OwnWrites.Observed observed = writes.observe(KEY, read, () -> List.of(job("app-1", "5", false)));

        assertEquals(Optional.empty(), observed.behind().remaining(), "the write was seen: nothing to wait for");
        assertEquals("12", observed.gitRepo().orElseThrow().getMetadata().getResourceVersion(),
                "the decision's GitRepo shows the write");
        assertEquals(List.of("app-1"), observed.jobs().stream().map(j -> j.getMetadata().getName()).toList());
    }

    @Test
    void nothingIsReadForADecisionWhileAWriteIsAwaited() {
        writes.wroteGitRepo(KEY, gitRepo("12"));
        OwnWrites.Observed observed = writes.observe(KEY, () -> Optional.of(gitRepo("11")), List::of);
        assertTrue(observed.behind().remaining().isPresent());
        assertEquals(null, observed.gitRepo());
    }

    private static GitRepo gitRepo(String resourceVersion) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("app")
                .withResourceVersion(resourceVersion).build());
        return gitRepo;
    }

    @Test
    void aCompletedJobsNameIsForgottenOnceOldAndNothingIsLeftOfItsGitRepo() {
        writes.completed(KEY, "app-1");
        nanos.addAndGet(OwnWrites.COMPLETED_MEMORY.toNanos());
        writes.forgetOld();
        assertTrue(writes.wasCompleted(KEY, "app-1"), "still within its memory");
        assertEquals(1, writes.completedGitRepos());

        nanos.addAndGet(1);
        writes.forgetOld();
        assertFalse(writes.wasCompleted(KEY, "app-1"));
        assertEquals(0, writes.completedGitRepos(), "a Job deleted on success leaves nothing per GitRepo");
    }

    private static Job job(String name, String resourceVersion, boolean deleting) {
        return new JobBuilder().withNewMetadata().withNamespace("ns").withName(name)
                .withResourceVersion(resourceVersion).withDeletionTimestamp(deleting ? "2026-12-01T10:00:00Z" : null)
                .endMetadata().build();
    }
}
