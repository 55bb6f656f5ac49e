package io.gitjob.watcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;

/** Git repositories the tests make and commit to, on disk (polled as file:// URLs or served over HTTP). */
public final class TestGit implements AutoCloseable {

    private final Git git;
    private final Path dir;

    private TestGit(Git git, Path dir) {
        this.git = git;
        this.dir = dir;
    }

    /** A new repository under {@code parent}/{@code name} with one commit on {@code main}. */
    public static TestGit create(Path parent, String name) {
        try {
            Path dir = parent.resolve(name);
            Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
            TestGit repo = new TestGit(git, dir);
            repo.commit("first");
            return repo;
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("watcher-git");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new commit on the current branch; returns its SHA. */
    public String commit(String message) {
        try {
            Files.writeString(dir.resolve("file.txt"), message + System.nanoTime());
            git.add().addFilepattern("file.txt").call();
            RevCommit commit = git.commit().setMessage(message).setAuthor("test", "test@example.com")
                    .setCommitter("test", "test@example.com").setSign(false).call();
            return commit.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public String head() {
        try {
            return git.getRepository().resolve("HEAD").name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String tag(String name) {
        try {
            git.tag().setName(name).setAnnotated(true).setMessage(name).setSigned(false).call();
            return head();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new branch at the current head (not checked out); returns the head's SHA. */
    public String branch(String name) {
        try {
            git.branchCreate().setName(name).call();
            return head();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public String fileUrl() {
        return dir.toUri().toString();
    }

    /** For servers that serve the repository itself (JGit's SSH test server). */
    public org.eclipse.jgit.lib.Repository repository() {
        return git.getRepository();
    }

    public File dir() {
        return dir.toFile();
    }

    @Override
    public void close() {
        git.close();
    }
}
