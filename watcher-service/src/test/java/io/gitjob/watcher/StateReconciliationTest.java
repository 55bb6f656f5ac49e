package io.gitjob.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.RepoSpec;
import io.gitjob.watcher.StateReconciliation.Change;

class StateReconciliationTest {

    private static final RepoSpec SPEC = new RepoSpec("https://git.example/a.git", "main", null, null, null, null,
            null, false, false, false);

    @Test
    void eachDifferenceBetweenStateAndClusterIsOneChange() {
        Map<GitRepoKey, GitRepoState> known = Map.of(
                key("same"), state("same", "u1", 2, 0),
                key("spec"), state("spec", "u2", 2, 0),
                key("forced"), state("forced", "u3", 2, 0),
                key("gone"), state("gone", "u4", 1, 0),
                key("recreated"), state("recreated", "u5", 1, 0),
                key("bad"), state("bad", "u6", 1, 0));
        Map<GitRepoKey, Observed> cluster = Map.of(
                key("same"), observed("same", "u1", 2, 0),
                key("spec"), observed("spec", "u2", 3, 0),
                // a new forceSyncGeneration also moves the generation: it is a force sync, not a spec change
                key("forced"), observed("forced", "u3", 3, 1),
                key("new"), observed("new", "u7", 1, 0),
                key("recreated"), observed("recreated", "u8", 1, 0));

        var steps = StateReconciliation.reconcile(known, cluster, Set.of(key("bad")));

        assertEquals(List.of("forced=FORCE_SYNC", "gone=DELETED", "new=ADDED", "recreated=REPLACED", "same=NONE",
                "spec=SPEC_CHANGED"), steps.stream().map(s -> name(s) + "=" + s.change()).toList());
    }

    @Test
    void aStatusOnlyUpdateIsNoChange() {
        assertEquals(Change.NONE, StateReconciliation.decide(state("a", "u", 4, 2), observed("a", "u", 4, 2)));
        assertEquals(Change.NONE, StateReconciliation.decide(null, null));
    }

    @Test
    void eventTimesOfAGitRepoStrictlyIncrease() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        assertEquals(now, EventTimes.next(now, null));
        assertEquals(now, EventTimes.next(now, now.minusSeconds(1)));
        assertEquals(now.plusMillis(1), EventTimes.next(now, now));
        assertEquals(now.plusSeconds(3600).plusMillis(1), EventTimes.next(now, now.plusSeconds(3600)));
    }

    private static String name(StateReconciliation.Step step) {
        return step.current() != null ? step.current().ref().name() : step.known().gitRepo().name();
    }

    private static GitRepoKey key(String name) {
        return new GitRepoKey("ns", name);
    }

    private static GitRepoState state(String name, String uid, long generation, long forceSync) {
        return new GitRepoState(new GitRepoRef("ns", name, uid), generation, forceSync, SPEC, null, Instant.EPOCH);
    }

    private static Observed observed(String name, String uid, long generation, long forceSync) {
        return new Observed(new GitRepoRef("ns", name, uid), generation, forceSync, SPEC);
    }
}
