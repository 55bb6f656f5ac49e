package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.PolledSource;
import io.gitjob.job.decision.JobDecisions;

/** What job-service takes for the wanted commit, read off a GitRepo as the API server serves it. */
class ClusterStateTest {

    @Test
    void theWantedCommitIsThePollingCommitOfTheSourceTheSpecNames() {
        GitRepo gitRepo = gitRepo("main", PolledSource.of("https://git.example/a.git", "main", null));
        assertEquals("c1", ClusterState.view(gitRepo).wantedCommit());
    }

    @Test
    void aCommitResolvedBeforeTheBranchWasEditedIsNoCommitOfTheNewBranch() {
        // The watcher recorded c1 for branch main; the user has just switched the GitRepo to branch release.
        GitRepo gitRepo = gitRepo("release", PolledSource.of("https://git.example/a.git", "main", null));
        assertNull(ClusterState.view(gitRepo).wantedCommit());
        assertTrue(JobDecisions.reconcile(Optional.of(ClusterState.view(gitRepo)), List.of()).isNothing(),
                "no Job for the old branch's head under the new spec: the watcher's poll of release comes first");
    }

    @Test
    void withoutTheAnnotationThePollingCommitIsTakenAsIs() {
        // Fleet's own poller, or a gitjob before the annotation: nothing says the commit is of another source.
        assertEquals("c1", ClusterState.view(gitRepo("release", null)).wantedCommit());
    }

    private static GitRepo gitRepo(String branch, String polledSource) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-local").withName("a").withUid("u")
                .withGeneration(2L)
                .withAnnotations(polledSource == null ? Map.of() : Map.of(PolledSource.ANNOTATION, polledSource))
                .build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/a.git");
        spec.setBranch(branch);
        gitRepo.setSpec(spec);
        GitRepoStatus status = new GitRepoStatus();
        status.setPollingCommit("c1");
        gitRepo.setStatus(status);
        return gitRepo;
    }
}
