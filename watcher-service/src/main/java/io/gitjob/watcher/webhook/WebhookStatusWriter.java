package io.gitjob.watcher.webhook;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;

/**
 * Records a verified webhook on a GitRepo as Fleet does: a JSON merge patch of the status subresource with
 * {@code webhookCommit} (the commit the payload names) and {@code lastWebhookTime} (now, RFC 3339 in seconds),
 * and nothing else, so no other writer's field is touched and no read-modify-write can conflict. The owner
 * replica's informer sees the change and polls ({@link WebhookPollTrigger}).
 */
@ApplicationScoped
public class WebhookStatusWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    /** @return false when the GitRepo is gone */
    public boolean record(GitRepoKey key, String commit, Instant at) {
        String patch;
        try {
            patch = JSON.writeValueAsString(Map.of("status", Map.of("webhookCommit", commit,
                    "lastWebhookTime", at.truncatedTo(ChronoUnit.SECONDS).toString())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            // On a GitRepo item of that name: by name alone, Fabric8 would read it first.
            GitRepo named = new GitRepo();
            named.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(key.namespace())
                    .withName(key.name()).build());
            client.resources(GitRepo.class).inNamespace(key.namespace()).resource(named).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
