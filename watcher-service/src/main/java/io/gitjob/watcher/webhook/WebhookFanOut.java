package io.gitjob.watcher.webhook;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;

/**
 * A parsed but not yet verified push, offered to every GitRepo of this shard, in Fleet's order: find the GitRepos
 * the push is for, then verify the request with each one's secrets ({@link WebhookSecrets}) and record it only on
 * those it verifies with. A GitRepo with its own {@code webhookSecret} is thus triggered only by a request signed
 * with that secret, whatever the global one is; and nothing is written before a request verified.
 */
@ApplicationScoped
public class WebhookFanOut {

    @Inject
    WebhookSecrets secrets;

    @Inject
    WebhookStatusWriter status;

    Clock clock = Clock.systemUTC();

    /**
     * @param matched the GitRepos the push is for
     * @param verified those whose secrets the request verified with (recorded, or already at that commit)
     */
    public record Outcome(List<GitRepoKey> matched, List<GitRepoKey> verified) {
    }

    /**
     * @throws RuntimeException a Secret or a status write the API refused, after every GitRepo was tried: the
     *         sender delivers again, and a GitRepo already recorded then is at that commit and skipped
     */
    public Outcome offer(WebhookProvider provider, Function<String, String> header, byte[] body, Push push,
            Collection<GitRepo> cluster) {
        List<GitRepoKey> matched = new ArrayList<>();
        List<GitRepoKey> verified = new ArrayList<>();
        RuntimeException first = null;
        for (GitRepo gitRepo : cluster) {
            if (!PushMatch.matches(push, gitRepo.getSpec())) {
                continue;
            }
            GitRepoKey key = new GitRepoKey(gitRepo.getMetadata().getNamespace(), gitRepo.getMetadata().getName());
            matched.add(key);
            try {
                if (!provider.verify(header, body, secrets.of(gitRepo))) {
                    continue;
                }
                verified.add(key);
                // As Fleet: the same commit again (a duplicate delivery) is no news; a payload naming no commit
                // (a push without changes) has nothing to record.
                String known = gitRepo.getStatus() == null ? null : gitRepo.getStatus().getWebhookCommit();
                if (push.commit() != null && !push.commit().isEmpty() && !push.commit().equals(known)) {
                    status.record(key, push.commit(), clock.instant());
                }
            } catch (RuntimeException e) {
                // One GitRepo whose Secret or status cannot be read or written must not cost the others their push.
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return new Outcome(matched, verified);
    }
}
