package io.gitjob.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The manifests of an overlay as a cluster would get them: {@code kubectl kustomize} where kubectl is on the
 * PATH, else {@link MiniKustomize}, which reads the same files (and is compared with kubectl where both exist).
 */
final class KustomizeRender {

    private KustomizeRender() {
    }

    static List<Map<String, Object>> render(Path kustomizationDir) {
        return kubectlAvailable() ? Yaml.documents(kubectl(kustomizationDir)) : MiniKustomize.render(kustomizationDir);
    }

    static boolean kubectlAvailable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return true;
            }
        }
        return false;
    }

    static String kubectl(Path kustomizationDir) {
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", kustomizationDir.toString())
                    .redirectErrorStream(false).start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + kustomizationDir + " failed: "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
