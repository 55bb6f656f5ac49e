package io.gitjob.watcher.poll;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.gitjob.events.RepoSpec;
import io.gitjob.watcher.poll.RefSelection.Head;

/** Asks a Git remote for its refs, as {@code git ls-remote} does (no clone), and picks the GitRepo's head. */
@ApplicationScoped
public class RemoteHeads {

    @ConfigProperty(name = "gitjob.watcher.fetch-timeout", defaultValue = "30s")
    Duration timeout;

    public RemoteHeads() {
    }

    /** Outside CDI (the benchmark). */
    public RemoteHeads(Duration timeout) {
        this.timeout = timeout;
    }

    public Head head(RepoSpec spec, GitCredentials.Auth auth) throws GitAPIException {
        LsRemoteCommand command = Git.lsRemoteRepository().setRemote(spec.repo())
                .setTimeout((int) Math.max(1, timeout.toSeconds()));
        try (auth) {
            auth.applyTo(command);
            Map<String, Ref> refs = command.callAsMap();
            return RefSelection.select(refs, spec.branch(), spec.revision(), spec.repo());
        }
    }
}
