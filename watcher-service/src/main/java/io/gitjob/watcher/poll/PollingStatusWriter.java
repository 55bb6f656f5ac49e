package io.gitjob.watcher.poll;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoConditions;
import io.gitjob.gitrepo.GitRepoStatus;

/**
 * Writes the watcher's own status fields of a GitRepo through the status subresource:
 * {@code lastPollingTriggered} and the {@code GitPolling} condition. Other services' fields are left alone.
 */
@ApplicationScoped
public class PollingStatusWriter {

    public static final String CONDITION = "GitPolling";

    @Inject
    KubernetesClient client;

    public void polled(GitRepoRef ref, Instant triggered, boolean ok, String message) {
        for (int attempt = 1;; attempt++) {
            try {
                var resource = client.resources(GitRepo.class).inNamespace(ref.namespace()).withName(ref.name());
                GitRepo gitRepo = resource.get();
                if (gitRepo == null || !ref.uid().equals(gitRepo.getMetadata().getUid())) {
                    return; // gone, or re-created: this poll was of the old one
                }
                resource.editStatus(g -> {
                    if (g.getStatus() == null) {
                        g.setStatus(new GitRepoStatus());
                    }
                    g.getStatus().setLastPollingTriggered(triggered.toString());
                    GitRepoConditions.set(g.getStatus().getConditions(), CONDITION, ok ? "True" : "False",
                            ok ? "Polled" : "FetchFailed", message, Instant.now().toString());
                    return g;
                });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
    }
}
