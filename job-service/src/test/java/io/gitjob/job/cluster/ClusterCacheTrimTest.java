package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;

/** What job-service's GitRepo informer keeps: the whole GitRepo but what no reader of it uses. */
class ClusterCacheTrimTest {

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    @Test
    void managedFieldsAndKubectlsLastAppliedCopyGoEverythingElseStaysAndTheInformersObjectIsUntouched() {
        GitRepo gitRepo = gitRepo();
        gitRepo.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
                .withOperation("Update").build()));
        gitRepo.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(LAST_APPLIED, "{\"spec\":{}}",
                "team", "payments")));

        GitRepo trimmed = ClusterCache.trimmed(gitRepo);

        assertNull(trimmed.getMetadata().getManagedFields());
        assertEquals(Map.of("team", "payments"), trimmed.getMetadata().getAnnotations());
        assertEquals("fleet-local", trimmed.getMetadata().getNamespace());
        assertEquals("sample", trimmed.getMetadata().getName());
        assertEquals("42", trimmed.getMetadata().getResourceVersion());
        assertEquals(List.of("fleet.cattle.io/gitrepo-finalizer"), trimmed.getMetadata().getFinalizers());
        assertEquals("https://git.example/sample.git", trimmed.getSpec().getRepo());
        assertEquals("abc123", trimmed.getStatus().getCommit());
        assertEquals("fleet.cattle.io/v1alpha1", trimmed.getApiVersion());
        assertEquals("GitRepo", trimmed.getKind());
        // The informer hands its own object to its event handlers: trimming must not change it.
        assertEquals(1, gitRepo.getMetadata().getManagedFields().size());
        assertEquals(2, gitRepo.getMetadata().getAnnotations().size());
    }

    @Test
    void aGitRepoWithNothingToTrimIsKeptAsItIs() {
        GitRepo gitRepo = gitRepo();
        gitRepo.getMetadata().setAnnotations(Map.of("team", "payments"));
        assertSame(gitRepo, ClusterCache.trimmed(gitRepo));
    }

    private static GitRepo gitRepo() {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-local").withName("sample")
                .withResourceVersion("42").withFinalizers("fleet.cattle.io/gitrepo-finalizer").build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/sample.git");
        gitRepo.setSpec(spec);
        GitRepoStatus status = new GitRepoStatus();
        status.setCommit("abc123");
        gitRepo.setStatus(status);
        return gitRepo;
    }
}
