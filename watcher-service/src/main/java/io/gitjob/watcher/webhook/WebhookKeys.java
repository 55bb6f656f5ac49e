package io.gitjob.watcher.webhook;

import java.util.Map;
import java.util.Optional;

/**
 * The secrets one GitRepo's webhooks are verified with, under Fleet's keys of its webhook Secret
 * ({@code github}, {@code gitlab}, {@code bitbucket}, {@code bitbucket-server}, {@code gogs},
 * {@code azure-username}, {@code azure-password}).
 *
 * @param source where they come from, for logs: a Secret's namespace/name or the settings, never a value
 */
public record WebhookKeys(Map<String, String> values, String source) {

    public static final String GITHUB = "github";
    public static final String GITLAB = "gitlab";
    public static final String BITBUCKET = "bitbucket";
    public static final String BITBUCKET_SERVER = "bitbucket-server";
    public static final String GOGS = "gogs";
    public static final String AZURE_USERNAME = "azure-username";
    public static final String AZURE_PASSWORD = "azure-password";

    public WebhookKeys {
        values = Map.copyOf(values);
    }

    /** The value under {@code key}; empty when absent or empty (an empty secret verifies nothing). */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() {
        return "WebhookKeys[" + source + ", keys " + values.keySet() + "]";
    }
}
