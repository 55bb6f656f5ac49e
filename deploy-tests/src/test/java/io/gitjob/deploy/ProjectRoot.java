package io.gitjob.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's root: the first directory upwards from the working directory that holds {@code deploy/}. */
final class ProjectRoot {

    private ProjectRoot() {
    }

    static Path find() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with deploy/ above " + Path.of("").toAbsolutePath());
    }
}
