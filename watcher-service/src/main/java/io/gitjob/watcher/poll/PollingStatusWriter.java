package io.gitjob.watcher.poll;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
 * Other services' fields are left alone. Each write is made on the GitRepo as the watcher's informer holds it
 * ({@link GitRepoStatusEdit}): one PATCH, no read, unless someone wrote the GitRepo since (a 409, then a fresh read).
 * The informer copy must therefore hold every top-level status field the watcher writes whole (the conditions).
 */
@ApplicationScoped
public class PollingStatusWriter {

    public static final String CONDITION = "GitPolling";
    /** Fleet's reason of a failed GitPolling (wrangler's default for an error without its own reason). */
    public static final String FAILED_REASON = "Error";

    private static final int WRITE_ATTEMPTS = 5;

    @Inject
    KubernetesClient client;

    @Inject
    io.gitjob.watcher.GitRepoWatch watch;

    /** The informer's copy of the GitRepo, if it is the one the work is for. */
    private GitRepo seen(GitRepoRef ref) {
        return watch.cachedGitRepo(ref.key()).filter(g -> ref.uid().equals(g.getMetadata().getUid())).orElse(null);
    }

    /**
     * The durable record of a new commit, written before its event is published: the event is a trigger and an
     * audit record, this field is the wanted state.
     *
     * @return false when the GitRepo is gone or was re-created
     */
    public boolean commitFound(GitRepoRef ref, RepoSpec source, String commit, Instant at) {
        GitRepo written = GitRepoStatusEdit.edit(client, ref, seen(ref), status -> {
            status.setPollingCommit(commit);
            // webhookCommit and lastWebhookTime are the webhook's own record, written when it arrives; a poll
            // a webhook asked for is still a poll.
            status.setLastPollingTriggered(at.toString());
        }).orElse(null);
        return written != null && recordSource(written, ref, source);
    }

    /**
     * After the commit, which source it came from ({@link PolledSource}): until then job-service takes a commit
     * recorded under another source for none. Written only when it changes (a repo, branch or revision edit).
     */
    private boolean recordSource(GitRepo written, GitRepoRef ref, RepoSpec source) {
        String digest = PolledSource.of(source.repo(), source.branch(), source.revision());
        GitRepo current = written; // as the status write just returned it: no read
        for (int attempt = 1;; attempt++) {
            if (current == null || !ref.uid().equals(current.getMetadata().getUid())) {
                return false; // gone or re-created: this commit is no longer its
            }
            var annotations = current.getMetadata().getAnnotations();
            if (annotations != null && digest.equals(annotations.get(PolledSource.ANNOTATION))) {
                return true;
            }
            // A merge patch of the one annotation (a map: merged, not replaced) on the GitRepo as an item (no read
            // first), with its resourceVersion: a GitRepo changed or re-created since is read again.
            String patch = "{\"metadata\":{\"resourceVersion\":\"" + current.getMetadata().getResourceVersion()
                    + "\",\"annotations\":{\"" + PolledSource.ANNOTATION + "\":\"" + digest + "\"}}}";
            try {
                client.resources(GitRepo.class).inNamespace(ref.namespace()).resource(current)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return false;
                }
                // Another writer (a poll's status, a webhook of the same GitRepo, a user) got there first.
                if (e.getCode() != 409 || attempt >= WRITE_ATTEMPTS) {
                    throw e;
                }
                current = client.resources(GitRepo.class).inNamespace(ref.namespace()).withName(ref.name()).get();
            }
        }
    }

    /**
     * The outcome of a poll, as Fleet's gitjob writes it: {@code GitPolling} True with neither reason nor message
     * when it worked; False, reason {@code Error}, the error's message (scrubbed of credentials by the caller)
     * when it failed.
     */
    public void polled(GitRepoRef ref, Instant triggered, boolean ok, String message) {
        GitRepoStatusEdit.edit(client, ref, seen(ref), status -> {
            status.setLastPollingTriggered(triggered.toString());
            GitRepoConditions.set(status.getConditions(), CONDITION, ok ? "True" : "False",
                    ok ? null : FAILED_REASON, ok || message == null || message.isEmpty() ? null : message,
                    Instant.now().toString());
        });
    }
}
