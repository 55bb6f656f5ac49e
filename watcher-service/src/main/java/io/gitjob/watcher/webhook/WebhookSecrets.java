package io.gitjob.watcher.webhook;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.api.model.Secret;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.support.ClusterReads;

/**
 * The secrets a GitRepo's webhooks are verified with, as Fleet chooses them: the Secret its
 * {@code spec.webhookSecret} names in its own namespace; without one, Fleet's global Secret
 * {@code gitjob-webhook} in the system namespace ({@code gitjob.webhook.system-namespace}), each key of which
 * not there falls back to the settings {@code gitjob.webhook.github-secret} and {@code gitjob.webhook.gitlab-token}.
 * A GitRepo's own Secret that is missing verifies nothing (it is never replaced by the global one). Secrets are
 * read through {@link ClusterReads} (kept for {@code gitjob.read-cache-ttl}), so a burst of deliveries
 * costs one read; a missing Secret is no error. An API error is thrown: the sender gets a 500 and delivers again.
 */
@ApplicationScoped
public class WebhookSecrets {

    public static final String GLOBAL_SECRET = "gitjob-webhook";

    @Inject
    ClusterReads reads;

    @ConfigProperty(name = "gitjob.webhook.system-namespace", defaultValue = "cattle-fleet-system")
    String systemNamespace;

    @ConfigProperty(name = "gitjob.webhook.github-secret")
    Optional<String> gitHubSecret;

    @ConfigProperty(name = "gitjob.webhook.gitlab-token")
    Optional<String> gitLabToken;

    public WebhookKeys of(GitRepo gitRepo) {
        String own = gitRepo.getSpec() == null ? null : gitRepo.getSpec().getWebhookSecret();
        if (own != null && !own.isEmpty()) {
            String namespace = gitRepo.getMetadata().getNamespace();
            return new WebhookKeys(read(namespace, own).orElse(Map.of()), "Secret " + namespace + "/" + own);
        }
        Map<String, String> keys = new HashMap<>();
        gitHubSecret.ifPresent(s -> keys.put(WebhookKeys.GITHUB, s));
        gitLabToken.ifPresent(s -> keys.put(WebhookKeys.GITLAB, s));
        Optional<Map<String, String>> global = read(systemNamespace, GLOBAL_SECRET);
        global.ifPresent(keys::putAll);
        return new WebhookKeys(keys, global.isPresent() ? "Secret " + systemNamespace + "/" + GLOBAL_SECRET
                : "gitjob.webhook.* settings");
    }

    private Optional<Map<String, String>> read(String namespace, String name) {
        return reads.secret(namespace, name).map(ClusterReads::values);
    }
}
