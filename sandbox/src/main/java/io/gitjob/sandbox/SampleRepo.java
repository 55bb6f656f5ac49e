package io.gitjob.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A Git repository on the local disk that the watcher polls ({@code spec.repo} is its path) and the Job runner
 * clones: the sandbox's stand-in for a Git host. A plain working repository, so a user edits a file and runs
 * {@code git commit -am ...} in it, as in any clone.
 */
public final class SampleRepo {

    public static final String BRANCH = "main";

    private final Path dir;

    private SampleRepo(Path dir) {
        this.dir = dir;
    }

    /** Opens the repository at {@code dir}, creating it with {@code files} as its first commit if it is not there. */
    public static SampleRepo createIfAbsent(Path dir, Map<String, String> files) {
        SampleRepo repo = new SampleRepo(dir.toAbsolutePath());
        if (!Files.isDirectory(dir.resolve(".git"))) {
            try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(BRANCH).call()) {
                git.getRepository().getConfig().setBoolean("commit", null, "gpgsign", false);
                git.getRepository().getConfig().save();
            } catch (GitAPIException | IOException e) {
                throw new IllegalStateException("cannot create the Git repository " + dir, e);
            }
            repo.commit("Initial manifests", files);
        }
        return repo;
    }

    /** The sandbox's own sample: two manifests under {@code deploy/}. */
    public static Map<String, String> sampleFiles() {
        return Map.of(
                "deploy/configmap.yaml", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: hello
                        data:
                          greeting: Hello from gitjob's sandbox
                        """,
                "deploy/deployment.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: hello
                        spec:
                          replicas: 1
                          selector:
                            matchLabels: {app: hello}
                          template:
                            metadata:
                              labels: {app: hello}
                            spec:
                              containers:
                                - name: hello
                                  image: nginx:1.27
                        """,
                "README.md", "The sandbox's sample repository: the GitRepo 'sample' applies deploy/.\n");
    }

    /** Writes {@code files} (path to content; null content deletes the file) and commits them; the new commit id. */
    public String commit(String message, Map<String, String> files) {
        try (Git git = Git.open(dir.toFile())) {
            for (var file : files.entrySet()) {
                Path path = dir.resolve(file.getKey());
                if (file.getValue() == null) {
                    Files.deleteIfExists(path);
                    git.rm().addFilepattern(file.getKey()).call();
                } else {
                    Files.createDirectories(path.getParent());
                    Files.writeString(path, file.getValue());
                    git.add().addFilepattern(file.getKey()).call();
                }
            }
            PersonIdent sandbox = new PersonIdent("gitjob sandbox", "sandbox@gitjob.invalid");
            RevCommit commit = git.commit().setMessage(message).setAuthor(sandbox).setCommitter(sandbox)
                    .setSign(false).call();
            return commit.getName();
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot commit to " + dir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** What a GitRepo's {@code spec.repo} names: the path, which JGit and git read as a local remote. */
    public String url() {
        return dir.toString();
    }
}
