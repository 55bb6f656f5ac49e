package io.gitjob.watcher.poll;

import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.events.UrlCredentials;
import io.gitjob.watcher.poll.RefSelection.Head;

/**
 * Asks a Git remote for its refs, as {@code git ls-remote} does (no clone), and picks the GitRepo's head. The URL
 * asked is the live GitRepo's raw {@code spec.repo} (it may carry a user's credentials); messages carry it
 * redacted.
 */
@ApplicationScoped
public class RemoteHeads {

    @ConfigProperty(name = "gitjob.watcher.fetch-timeout", defaultValue = "30s")
    Duration timeout;

    public RemoteHeads() {
    }

    /** Outside CDI (the benchmark, tests). */
    public RemoteHeads(Duration timeout) {
        this.timeout = timeout;
    }

    /** The head of {@code live}'s raw {@code spec.repo}, with the branch and revision of {@code spec}. */
    public Head head(GitRepo live, RepoSpec spec, GitCredentials.Auth auth) throws GitAPIException {
        String raw = live.getSpec() == null ? null : live.getSpec().getRepo();
        return head(raw == null || raw.isBlank() ? spec.repo() : raw.trim(), spec, auth);
    }

    /** The head of {@code spec.repo()} (outside a cluster: the benchmark). */
    public Head head(RepoSpec spec, GitCredentials.Auth auth) throws GitAPIException {
        return head(spec.repo(), spec, auth);
    }

    private Head head(String url, RepoSpec spec, GitCredentials.Auth auth) throws GitAPIException {
        LsRemoteCommand command = Git.lsRemoteRepository().setRemote(withSshUser(url))
                .setTimeout((int) Math.max(1, timeout.toSeconds()));
        try (auth) {
            auth.applyTo(command);
            Map<String, Ref> refs;
            try {
                refs = command.callAsMap();
            } catch (TransportException e) {
                var refusal = auth.hostKeyRefusal();
                if (refusal.isPresent()) {
                    throw new TransportException(UrlCredentials.redact(url) + ": " + refusal.get(), e);
                }
                throw e;
            }
            return RefSelection.select(refs, spec.branch(), spec.revision(), UrlCredentials.redact(url));
        }
    }

    /** Fleet logs in as {@code git} on an ssh:// URL without a user; JGit would use the local user's name. */
    private static String withSshUser(String url) {
        if (url == null || !url.startsWith("ssh://")) {
            return url;
        }
        try {
            URIish uri = new URIish(url);
            return uri.getUser() == null ? uri.setUser("git").toString() : url;
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
