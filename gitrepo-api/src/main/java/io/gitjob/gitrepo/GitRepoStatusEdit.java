package io.gitjob.gitrepo;

import java.util.function.Consumer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.events.GitRepoRef;

/**
 * How every service writes its own fields of a GitRepo's status: through the status subresource, only if the
 * GitRepo is still the one the work was for (same uid: a deleted and re-created GitRepo is another one), and
 * again from a fresh read when another writer got there first (409).
 */
public final class GitRepoStatusEdit {

    private static final int ATTEMPTS = 5;

    private GitRepoStatusEdit() {
    }

    /** @return false when the GitRepo is gone or was re-created, so nothing was written */
    public static boolean edit(KubernetesClient client, GitRepoRef ref, Consumer<GitRepoStatus> change) {
        for (int attempt = 1;; attempt++) {
            try {
                var resource = client.resources(GitRepo.class).inNamespace(ref.namespace()).withName(ref.name());
                GitRepo gitRepo = resource.get();
                if (gitRepo == null || !ref.uid().equals(gitRepo.getMetadata().getUid())) {
                    return false;
                }
                boolean[] same = { true };
                resource.editStatus(g -> {
                    // Checked again on the copy the edit is made on: a GitRepo re-created between the two reads
                    // is another one, and must not get the old one's status.
                    if (!ref.uid().equals(g.getMetadata().getUid())) {
                        same[0] = false;
                        return g;
                    }
                    if (g.getStatus() == null) {
                        g.setStatus(new GitRepoStatus());
                    }
                    change.accept(g.getStatus());
                    return g;
                });
                return same[0];
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
