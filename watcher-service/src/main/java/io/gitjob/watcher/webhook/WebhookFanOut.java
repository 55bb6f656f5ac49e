package io.gitjob.watcher.webhook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.gitjob.events.GitRepoEvent.CommitSource;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.watcher.GitRepoTracker;
import io.gitjob.watcher.events.GitRepoKubernetesEvents;
import io.gitjob.watcher.poll.RefSelection.Head;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;

/**
 * A webhook push to every GitRepo of that repo and branch: recorded in each GitRepo's status and published as
 * commit detected. Those this replica owns go through the tracker as a poll's result would; for a GitRepo
 * another replica owns, the push is recorded and published from here rather than dropped (see docs/watcher.md,
 * "Webhooks and replicas"): the owner's known commit is not this replica's to change, so the owner publishes the
 * same commit once more on its next poll, a duplicate every consumer takes in its stride. Only GitRepos of this
 * installation's shard are offered (the caller passes {@code GitRepoWatch.cached()}, which holds no other).
 */
@ApplicationScoped
public class WebhookFanOut {

    @Inject
    GitRepoTracker tracker;

    @Inject
    GitRepoKubernetesEvents kubernetesEvents;

    /**
     * @param cluster every GitRepo this replica's informer sees
     * @return the GitRepos the push is for (published or already at that commit)
     */
    public List<GitRepoKey> pushed(Push push, Collection<GitRepo> cluster) {
        List<GitRepoKey> matched = new ArrayList<>();
        Head head = new Head(push.commit(), push.branch());
        RuntimeException first = null;
        for (GitRepoTracker.Match match : tracker.matching(spec -> PushMatch.matches(push, spec), cluster)) {
            matched.add(match.key());
            if (match.state() == null) {
                continue; // owned but not rebuilt yet: its first poll finds the head
            }
            // One GitRepo that cannot be recorded (the API server or the broker refused) must not cost the others
            // their push: providers do not all deliver a failed webhook again.
            try {
                boolean detected = true;
                if (match.owned()) {
                    detected = tracker.commitFetched(match.state().gitRepo(), match.state().spec(), head, 0,
                            CommitSource.WEBHOOK);
                } else {
                    tracker.recordPushForOther(match.state(), push.branch(), push.commit());
                }
                if (detected) {
                    // Fleet records it once its reconciler has seen the pushed commit at the remote's head.
                    kubernetesEvents.newCommit(match.state().gitRepo(), push.commit());
                }
            } catch (RuntimeException e) {
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
        return matched;
    }
}
