package io.gitjob.watcher.poll;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepoConditions;
import io.gitjob.gitrepo.GitRepoStatusEdit;

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
        GitRepoStatusEdit.edit(client, ref, status -> {
            status.setLastPollingTriggered(triggered.toString());
            GitRepoConditions.set(status.getConditions(), CONDITION, ok ? "True" : "False",
                    ok ? "Polled" : "FetchFailed", message, Instant.now().toString());
        });
    }
}
