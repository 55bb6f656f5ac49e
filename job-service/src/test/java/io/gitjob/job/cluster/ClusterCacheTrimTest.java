package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitjob.gitrepo.BundleSummary;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoDisplay;
import io.gitjob.gitrepo.GitRepoResource;
import io.gitjob.gitrepo.ResourceCounts;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;

/** What job-service's GitRepo informer keeps ({@link DecisionFieldsTrim}): what its readers and writers use. */
class ClusterCacheTrimTest {

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    @Test
    void managedFieldsAndKubectlsLastAppliedCopyGoEverythingElseStaysAndTheInformersObjectIsUntouched() {
        GitRepo gitRepo = gitRepo();
        gitRepo.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
                .withOperation("Update").build()));
        gitRepo.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(LAST_APPLIED, "{\"spec\":{}}",
                "team", "payments")));

        GitRepo trimmed = DecisionFieldsTrim.trim(gitRepo);

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
    void theWatchersStatusFieldsGoWhatJobServiceReadsOrWritesStaysWhole() {
        GitRepo gitRepo = gitRepo();
        GitRepoStatus status = gitRepo.getStatus();
        status.setLastPollingTriggered("2026-12-02T12:41:55.183430472Z");
        status.setWebhookCommit("def456");
        status.setLastWebhookTime("2026-12-02T12:41:56Z");
        status.setPollingCommit("def456");
        status.setObservedGeneration(3L);
        status.setUpdateGeneration(2L);
        status.setGitJobStatus("Current");
        status.setAdditionalProperty("lastSyncedImageScanTime", "2026-12-02T12:00:00Z");
        GitRepoCondition accepted = new GitRepoCondition("Accepted", "False", "Error", "bad spec");
        accepted.setLastUpdateTime("2026-12-02T12:41:54Z");
        accepted.setLastTransitionTime("2026-12-02T12:41:53Z");
        status.setConditions(List.of(accepted, new GitRepoCondition("GitPolling", "True", null, null)));
        BundleSummary summary = new BundleSummary();
        status.setSummary(summary);
        GitRepoDisplay display = new GitRepoDisplay();
        display.setState("GitUpdating");
        display.setReadyBundleDeployments("0/1");
        status.setDisplay(display);
        status.setReadyClusters(0);
        status.setDesiredReadyClusters(1);
        status.setResourceCounts(new ResourceCounts());
        status.setPerClusterResourceCounts(Map.of("fleet-local/local", new ResourceCounts()));
        status.setResources(List.of(new GitRepoResource()));
        gitRepo.getMetadata().setLabels(Map.of("team", "payments"));
        gitRepo.getMetadata().setCreationTimestamp("2026-12-02T12:41:53Z");
        gitRepo.getMetadata().setGeneration(3L);
        gitRepo.getMetadata().setUid("u-1");

        GitRepo trimmed = DecisionFieldsTrim.trim(gitRepo);

        GitRepoStatus kept = trimmed.getStatus();
        assertNull(kept.getLastPollingTriggered());
        assertNull(kept.getWebhookCommit());
        assertNull(kept.getLastWebhookTime());
        assertEquals(Map.of(), kept.getAdditionalProperties());
        assertNull(trimmed.getMetadata().getCreationTimestamp());
        // A status write patches the top-level fields that differ from this copy: each one written is here whole.
        var json = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
        var whole = json.convertValue(status, com.fasterxml.jackson.databind.node.ObjectNode.class);
        var trimmedJson = json.convertValue(kept, com.fasterxml.jackson.databind.node.ObjectNode.class);
        for (String field : List.of("commit", "pollingCommit", "observedGeneration", "updateGeneration",
                "gitJobStatus", "conditions", "summary", "display", "readyClusters", "desiredReadyClusters",
                "resourceCounts", "perClusterResourceCounts", "resources")) {
            assertEquals(whole.get(field), trimmedJson.get(field), field);
        }
        assertEquals(Map.of("team", "payments"), trimmed.getMetadata().getLabels());
        assertEquals(3L, trimmed.getMetadata().getGeneration());
        assertEquals("u-1", trimmed.getMetadata().getUid());
        assertSame(gitRepo.getSpec(), trimmed.getSpec());
        assertEquals("2026-12-02T12:41:55.183430472Z", status.getLastPollingTriggered(), "the informer's own copy");
    }

    @Test
    void aGitRepoWithoutFinalizersOrStatusKeepsAnEmptyListAndNoStatus() {
        GitRepo gitRepo = gitRepo();
        gitRepo.getMetadata().setFinalizers(null);
        gitRepo.setStatus(null);

        GitRepo trimmed = DecisionFieldsTrim.trim(gitRepo);

        assertEquals(List.of(), trimmed.getMetadata().getFinalizers());
        assertNull(trimmed.getStatus());
        assertNull(trimmed.getMetadata().getAnnotations());
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
