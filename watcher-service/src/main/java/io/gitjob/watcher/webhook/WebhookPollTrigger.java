package io.gitjob.watcher.webhook;

import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.watcher.poll.Poller;

/**
 * Turns a recorded webhook into a poll: whichever replica took the delivery wrote {@code lastWebhookTime}, and
 * every replica's informer sees it change; the poller polls the GitRepos its replica owns. The commit deployed
 * is the head that poll resolves, never the payload's, so a replayed or late delivery cannot move a GitRepo
 * back. {@code webhookCommit} is compared too: two deliveries within one second share a {@code lastWebhookTime}.
 */
@ApplicationScoped
public class WebhookPollTrigger {

    @Inject
    Poller poller;

    /** The informer's update of a GitRepo of this shard (called from {@code GitRepoWatch.onUpdate}). */
    public void updated(GitRepo old, GitRepo current) {
        GitRepoStatus before = old == null ? null : old.getStatus();
        GitRepoStatus after = current.getStatus();
        if (after == null || after.getLastWebhookTime() == null) {
            return;
        }
        if (before == null || !Objects.equals(before.getLastWebhookTime(), after.getLastWebhookTime())
                || !Objects.equals(before.getWebhookCommit(), after.getWebhookCommit())) {
            poller.pollNow(new GitRepoKey(current.getMetadata().getNamespace(), current.getMetadata().getName()));
        }
    }
}
