package io.gitjob.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.PolledSource;
import io.gitjob.gitrepo.Shard;
import io.gitjob.support.TrimmedItemStore;

/** The watcher's informer store keeps what the watcher reads of a GitRepo, and drops the rest. */
class CachedGitRepoTrimTest {

    private static GitRepo full() {
        GitRepo g = new GitRepo();
        g.setMetadata(new ObjectMetaBuilder().withName("app").withNamespace("fleet-local").withUid("uid-1")
                .withResourceVersion("42").withGeneration(3L).withFinalizers("fleet.cattle.io/gitrepo-finalizer")
                .withLabels(Map.of(FleetConventions.SHARD_REF_LABEL, "shard-a", "team", "payments"))
                .withAnnotations(Map.of(PolledSource.ANNOTATION, "digest",
                        "kubectl.kubernetes.io/last-applied-configuration", "{\"a\":\"" + "x".repeat(2_000) + "\"}"))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("fleetcontroller").build()).build());
        GitRepoSpec s = new GitRepoSpec();
        s.setRepo("https://user:token@git.example/app.git");
        s.setBranch("main");
        s.setRevision("v1");
        s.setPaths(List.of("deploy", "charts"));
        s.setTargetNamespace("apps");
        s.setClientSecretName("creds");
        s.setPollingInterval("30s");
        s.setForceSyncGeneration(2L);
        s.setDisablePolling(false);
        s.setPaused(true);
        s.setKeepResources(true);
        s.setCaBundle("Q0E=");
        s.setInsecureSkipTLSVerify(false);
        s.setWebhookSecret("hook");
        s.setServiceAccount("deployer");
        s.setHelmSecretName("helm");
        s.setTargets(List.of(Map.of("clusterSelector", Map.of("env", "prod"))));
        s.setAdditionalProperty("future", "field");
        g.setSpec(s);
        GitRepoStatus st = new GitRepoStatus();
        st.setPollingCommit("p".repeat(40));
        st.setWebhookCommit("w".repeat(40));
        st.setLastWebhookTime("2026-12-01T10:00:00Z");
        st.setCommit("c".repeat(40));
        st.setGitJobStatus("Current");
        st.setObservedGeneration(3L);
        st.setLastPollingTriggered("2026-12-01T10:00:01Z");
        GitRepoCondition ready = new GitRepoCondition();
        ready.setType("Ready");
        st.setConditions(List.of(ready));
        g.setStatus(st);
        return g;
    }

    @Test
    void theStoreKeepsEveryFieldTheWatcherReadsAndDropsTheRest() {
        TrimmedItemStore<GitRepo> store = new TrimmedItemStore<>(GitRepo.class, CachedGitRepoTrim::trim,
                new io.fabric8.kubernetes.client.utils.KubernetesSerialization());
        GitRepo full = full();
        store.put(store.getKey(full), full);
        GitRepo kept = store.get("fleet-local/app");

        var m = kept.getMetadata();
        assertEquals("app", m.getName());
        assertEquals("fleet-local", m.getNamespace());
        assertEquals("uid-1", m.getUid());
        assertEquals("42", m.getResourceVersion());
        assertEquals(3L, m.getGeneration());
        assertEquals(Map.of(FleetConventions.SHARD_REF_LABEL, "shard-a"), m.getLabels());
        assertEquals(Map.of(PolledSource.ANNOTATION, "digest"), m.getAnnotations());
        assertTrue(new Shard("shard-a").manages(kept));
        // Read back from the store's JSON, the model gives empty lists for absent ones.
        assertTrue(m.getManagedFields() == null || m.getManagedFields().isEmpty());
        assertTrue(m.getFinalizers() == null || m.getFinalizers().isEmpty());

        // What events carry and the poller compares is unchanged by the trim.
        assertEquals(Observed.of(full), Observed.of(kept));
        GitRepoSpec s = kept.getSpec();
        assertEquals("https://user:token@git.example/app.git", s.getRepo(), "the poller fetches the raw URL");
        assertEquals("Q0E=", s.getCaBundle());
        assertEquals(false, s.getInsecureSkipTLSVerify());
        assertEquals("hook", s.getWebhookSecret());
        assertEquals("creds", s.getClientSecretName());
        assertEquals(2L, s.getForceSyncGeneration());
        assertNull(s.getServiceAccount());
        assertNull(s.getHelmSecretName());
        assertNull(s.getTargets());
        assertTrue(s.getAdditionalProperties().isEmpty());

        GitRepoStatus st = kept.getStatus();
        assertEquals("p".repeat(40), st.getPollingCommit());
        assertEquals("w".repeat(40), st.getWebhookCommit());
        assertEquals("2026-12-01T10:00:00Z", st.getLastWebhookTime());
        assertNull(st.getCommit());
        assertNull(st.getGitJobStatus());
        assertNull(st.getObservedGeneration());
        // Written by the watcher on the cached copy, as whole top-level fields: kept whole.
        assertEquals("2026-12-01T10:00:01Z", st.getLastPollingTriggered());
        assertEquals(List.of("Ready"), st.getConditions().stream().map(GitRepoCondition::getType).toList());

        assertEquals(2, full.getMetadata().getLabels().size(), "the informer's object is left whole");
        assertEquals("c".repeat(40), full.getStatus().getCommit());
    }

    @Test
    void aStatusIsKeptEvenWithNothingTheWatcherReadsSoAWriteOnItNeverTakesTheStatusForAbsent() {
        GitRepo g = full();
        g.getStatus().setPollingCommit(null);
        g.getStatus().setWebhookCommit(null);
        g.getStatus().setLastWebhookTime(null);
        g.getMetadata().setLabels(null);
        g.getMetadata().setAnnotations(Map.of("other", "x"));

        GitRepo kept = CachedGitRepoTrim.trim(g);
        assertNotNull(kept.getStatus());
        assertNull(kept.getStatus().getPollingCommit());
        assertNull(kept.getStatus().getCommit());
        assertNull(kept.getMetadata().getLabels());
        assertNull(kept.getMetadata().getAnnotations());
        assertTrue(Shard.defaultShard().manages(kept));
    }
}
