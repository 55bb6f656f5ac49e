package io.gitjob.watcher.poll;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.PolledSource;
import io.gitjob.gitrepo.GitRepoConditions;
import io.gitjob.gitrepo.GitRepoStatusEdit;

/**
 * Writes the watcher's own status fields of a GitRepo through the status subresource: {@code pollingCommit}
 * (the branch head the watcher resolved last, by a poll or a webhook: the commit job-service applies),
 * {@code lastPollingTriggered}, {@code webhookCommit} and {@code lastWebhookTime} (Fleet's meaning), and the
 * {@code GitPolling} condition; and the {@link PolledSource} annotation, which source the commit came from.
 * Other services' fields are left alone.
 */
@ApplicationScoped
public class PollingStatusWriter {

    public static final String CONDITION = "GitPolling";
    /** Fleet's reason of a failed GitPolling (wrangler's default for an error without its own reason). */
    public static final String FAILED_REASON = "Error";

    private static final int WRITE_ATTEMPTS = 5;

    @Inject
    KubernetesClient client;

    /**
     * The durable record of a new commit, written before its event is published: the event is a trigger and an
     * audit record, this field is the wanted state.
     *
     * @return false when the GitRepo is gone or was re-created
     */
    public boolean commitFound(GitRepoRef ref, RepoSpec source, String commit, Instant at) {
        boolean written = GitRepoStatusEdit.edit(client, ref, status -> {
            status.setPollingCommit(commit);
            // webhookCommit and lastWebhookTime are the webhook's own record, written when it arrives; a poll
            // a webhook asked for is still a poll.
            status.setLastPollingTriggered(at.toString());
        });
        return written && recordSource(ref, source);
    }

    /**
     * After the commit, which source it came from ({@link PolledSource}): until then job-service takes a commit
     * recorded under another source for none. Written only when it changes (a repo, branch or revision edit).
     */
    private boolean recordSource(GitRepoRef ref, RepoSpec source) {
        String digest = PolledSource.of(source.repo(), source.branch(), source.revision());
        var resource = client.resources(GitRepo.class).inNamespace(ref.namespace()).withName(ref.name());
        for (int attempt = 1;; attempt++) {
            GitRepo current = resource.get();
            if (current == null || !ref.uid().equals(current.getMetadata().getUid())) {
                return false;
            }
            var annotations = current.getMetadata().getAnnotations();
            if (annotations != null && digest.equals(annotations.get(PolledSource.ANNOTATION))) {
                return true;
            }
            try {
                resource.edit(g -> {
                    if (g.getMetadata().getAnnotations() == null) {
                        g.getMetadata().setAnnotations(new java.util.HashMap<>());
                    }
                    g.getMetadata().getAnnotations().put(PolledSource.ANNOTATION, digest);
                    return g;
                });
                return true;
            } catch (KubernetesClientException e) {
                // Another writer (a poll's status, a webhook of the same GitRepo, a user) got there first.
                if (e.getCode() != 409 || attempt >= WRITE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * The outcome of a poll, as Fleet's gitjob writes it: {@code GitPolling} True with neither reason nor message
     * when it worked; False, reason {@code Error}, the error's message (scrubbed of credentials by the caller)
     * when it failed.
     */
    public void polled(GitRepoRef ref, Instant triggered, boolean ok, String message) {
        GitRepoStatusEdit.edit(client, ref, status -> {
            status.setLastPollingTriggered(triggered.toString());
            GitRepoConditions.set(status.getConditions(), CONDITION, ok ? "True" : "False",
                    ok ? null : FAILED_REASON, ok || message == null || message.isEmpty() ? null : message,
                    Instant.now().toString());
        });
    }
}
