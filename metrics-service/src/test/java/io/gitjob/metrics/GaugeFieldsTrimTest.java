package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.ResourceCounts;
import io.gitjob.support.TrimmedItemStore;

class GaugeFieldsTrimTest {

    @Test
    void theCacheKeepsWhatTheSeriesAreNamedAndReadFromAndNothingElse() {
        GitRepo full = new GitRepo();
        ObjectMeta m = new ObjectMeta();
        m.setName("app");
        m.setNamespace("fleet-default");
        m.setUid("uid-1");
        m.setResourceVersion("7");
        m.setAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "x".repeat(2_000)));
        full.setMetadata(m);
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/app.git");
        spec.setBranch("main");
        spec.setPaths(List.of("apps/web", "apps/db"));
        spec.setTargets(List.of(Map.of("clusterSelector", Map.of())));
        full.setSpec(spec);
        GitRepoStatus status = new GitRepoStatus();
        ResourceCounts counts = new ResourceCounts();
        counts.setReady(3);
        counts.setDesiredReady(5);
        status.setResourceCounts(counts);
        status.setReadyClusters(1);
        status.setDesiredReadyClusters(2);
        status.setCommit("c".repeat(40));
        GitRepoCondition ready = new GitRepoCondition();
        ready.setType("Ready");
        status.setConditions(List.of(ready));
        full.setStatus(status);

        TrimmedItemStore<GitRepo> store = new TrimmedItemStore<>(GitRepo.class, GaugeFieldsTrim::trim,
                new KubernetesSerialization());
        store.put(store.getKey(full), full);
        GitRepo kept = store.get("fleet-default/app");

        assertEquals("uid-1", kept.getMetadata().getUid());
        assertEquals("7", kept.getMetadata().getResourceVersion());
        assertTrue(kept.getMetadata().getAnnotations() == null || kept.getMetadata().getAnnotations().isEmpty());
        assertEquals("https://git.example/app.git", kept.getSpec().getRepo());
        assertEquals("main", kept.getSpec().getBranch());
        assertEquals(List.of("apps/web", "apps/db"), kept.getSpec().getPaths());
        assertNull(kept.getSpec().getTargets());
        assertEquals(3, kept.getStatus().getResourceCounts().getReady());
        assertEquals(5, kept.getStatus().getResourceCounts().getDesiredReady());
        assertEquals(1, kept.getStatus().getReadyClusters());
        assertEquals(2, kept.getStatus().getDesiredReadyClusters());
        assertNull(kept.getStatus().getCommit());
        assertTrue(kept.getStatus().getConditions().isEmpty());
    }
}
