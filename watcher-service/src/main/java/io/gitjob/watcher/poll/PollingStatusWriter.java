package io.gitjob.watcher.poll;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepoConditions;
import io.gitjob.gitrepo.GitRepoStatusEdit;

/**
 * Writes the watcher's own status fields of a GitRepo through the status subresource: {@code pollingCommit}
 * (the branch head the watcher resolved last, by a poll or a webhook: the commit job-service applies),
 * {@code lastPollingTriggered}, {@code webhookCommit} and {@code lastWebhookTime} (Fleet's meaning), and the
 * {@code GitPolling} condition. Other services' fields are left alone.
 */
@ApplicationScoped
public class PollingStatusWriter {

    public static final String CONDITION = "GitPolling";

    @Inject
    KubernetesClient client;

    /**
     * The durable record of a new commit, written before its event is published: the event is a trigger and an
     * audit record, this field is the wanted state. A webhook's commit is recorded as the head too.
     *
     * @return false when the GitRepo is gone or was re-created
     */
    public boolean commitFound(GitRepoRef ref, String commit, boolean byWebhook, Instant at) {
        return GitRepoStatusEdit.edit(client, ref, status -> {
            status.setPollingCommit(commit);
            if (byWebhook) {
                status.setWebhookCommit(commit);
                status.setLastWebhookTime(at.toString());
            } else {
                status.setLastPollingTriggered(at.toString());
            }
        });
    }

    public void polled(GitRepoRef ref, Instant triggered, boolean ok, String message) {
        GitRepoStatusEdit.edit(client, ref, status -> {
            status.setLastPollingTriggered(triggered.toString());
            GitRepoConditions.set(status.getConditions(), CONDITION, ok ? "True" : "False",
                    ok ? "Polled" : "FetchFailed", message, Instant.now().toString());
        });
    }
}
