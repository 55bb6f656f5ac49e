package io.gitjob.gitrepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class PolledSourceTest {

    private static final String RAW = "https://ghp_token123@github.com/org/app.git";

    @Test
    void aTokenInTheUrlIsNotPartOfTheSourceSoTheWatchersRedactedViewAndTheRawSpecAgree() {
        assertEquals(PolledSource.of("https://***@github.com/org/app.git", "main", null),
                PolledSource.of(RAW, "main", null));
        assertEquals(PolledSource.of("https://other_token@github.com/org/app.git", "main", null),
                PolledSource.of(RAW, "main", null), "a rotated token is the same source");
        assertNotEquals(PolledSource.of("https://github.com/org/other.git", "main", null),
                PolledSource.of(RAW, "main", null));
    }

    @Test
    void theDigestAnOlderWatcherWroteOfTheRawUrlStillMatchesButAnotherSourceDoesNot() {
        assertTrue(PolledSource.matchesSpec(gitRepo(PolledSource.of(RAW, "main", null))));
        String olderWatchers = java.util.HexFormat.of().formatHex(sha256(RAW + "\nmain\n")).substring(0, 16);
        assertTrue(PolledSource.matchesSpec(gitRepo(olderWatchers)));
        assertFalse(PolledSource.matchesSpec(gitRepo(PolledSource.of(RAW, "release", null))));
    }

    private static GitRepo gitRepo(String digest) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withName("app").withNamespace("fleet-local")
                .withAnnotations(Map.of(PolledSource.ANNOTATION, digest)).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo(RAW);
        spec.setBranch("main");
        gitRepo.setSpec(spec);
        return gitRepo;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
