package io.gitjob.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Java fallback is honest: where kubectl exists, it renders exactly what kubectl kustomize renders. */
class MiniKustomizeTest {

    static List<String> overlays() {
        return Manifests.overlays().toList();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void rendersWhatKubectlRenders(String overlay) {
        assumeTrue(KustomizeRender.kubectlAvailable(), "kubectl is not on the PATH: nothing to compare with");
        Path dir = DeployManifestsTest.ROOT.resolve("deploy/overlays").resolve(overlay);
        Map<String, Map<String, Object>> kubectl = byId(Yaml.documents(KustomizeRender.kubectl(dir)));
        Map<String, Map<String, Object>> fallback = byId(MiniKustomize.render(dir));
        assertEquals(kubectl.keySet(), fallback.keySet());
        kubectl.forEach((id, doc) -> assertEquals(doc, fallback.get(id), id));
    }

    @Test
    void refusesWhatItDoesNotImplement(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\ncommonLabels:\n  a: b\n");
        var e = assertThrows(IllegalArgumentException.class, () -> MiniKustomize.render(dir));
        assertTrue(e.getMessage().contains("commonLabels"), e.getMessage());
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> docs) {
        Map<String, Map<String, Object>> byId = new TreeMap<>();
        for (Map<String, Object> d : docs) {
            Map<?, ?> meta = (Map<?, ?>) d.get("metadata");
            String id = d.get("apiVersion") + " " + d.get("kind") + " " + meta.get("namespace") + "/" + meta.get("name");
            assertEquals(null, byId.put(id, d), "duplicate " + id);
        }
        return byId;
    }
}
