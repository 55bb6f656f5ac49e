package io.gitjob.watcher.webhook;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.gitjob.watcher.webhook.WebhookPayloads.Push;

/**
 * The webhook senders Fleet takes, each told apart by its headers (in Fleet's order: Gogs also sends GitHub's
 * headers, so it is looked for first), with its push events, its payload and its scheme of proving the sender
 * knows the secret:
 * <ul>
 * <li>GitHub: {@code X-Hub-Signature-256} is {@code sha256=} and the hex HMAC-SHA256 of the body (the older
 * SHA-1 {@code X-Hub-Signature} is not read, as Fleet's library does not);</li>
 * <li>GitLab: {@code X-Gitlab-Token} is the secret token itself;</li>
 * <li>Bitbucket Cloud: {@code X-Hook-UUID} is the webhook's UUID;</li>
 * <li>Bitbucket Server: {@code X-Hub-Signature} is {@code sha256=} and the hex HMAC-SHA256 of the body;</li>
 * <li>Gogs: {@code X-Gogs-Signature} is the hex HMAC-SHA256 of the body;</li>
 * <li>Azure DevOps: HTTP Basic authentication with the configured user name and password.</li>
 * </ul>
 */
public enum WebhookProvider {

    GOGS("Gogs", "X-Gogs-Event", Set.of("push"), Set.of()) {
        @Override
        boolean verify(Function<String, String> header, byte[] body, WebhookKeys keys) {
            return keys.get(WebhookKeys.GOGS)
                    .filter(s -> Signatures.hexHmacSha256(s, body, header.apply("X-Gogs-Signature"))).isPresent();
        }

        @Override
        Push push(JsonNode root) {
            return WebhookPayloads.gogs(root);
        }
    },

    GITHUB("GitHub", "X-GitHub-Event", Set.of("push"), Set.of("ping")) {
        @Override
        boolean verify(Function<String, String> header, byte[] body, WebhookKeys keys) {
            String signature = header.apply("X-Hub-Signature-256");
            if (signature != null && signature.startsWith("sha256=")) {
                signature = signature.substring("sha256=".length());
            }
            String given = signature;
            return keys.get(WebhookKeys.GITHUB).filter(s -> Signatures.hexHmacSha256(s, body, given)).isPresent();
        }

        @Override
        Push push(JsonNode root) {
            return WebhookPayloads.gitHub(root);
        }
    },

    GITLAB("GitLab", "X-Gitlab-Event", Set.of("Push Hook", "Tag Push Hook"), Set.of()) {
        @Override
        boolean verify(Function<String, String> header, byte[] body, WebhookKeys keys) {
            return keys.get(WebhookKeys.GITLAB)
                    .filter(s -> Signatures.sameToken(s, header.apply("X-Gitlab-Token"))).isPresent();
        }

        @Override
        Push push(JsonNode root) {
            return WebhookPayloads.gitLab(root);
        }
    },

    BITBUCKET("Bitbucket", "X-Hook-UUID", Set.of("repo:push"), Set.of()) {
        @Override
        String event(Function<String, String> header, JsonNode root) {
            return header.apply("X-Event-Key");
        }

        @Override
        boolean verify(Function<String, String> header, byte[] body, WebhookKeys keys) {
            return keys.get(WebhookKeys.BITBUCKET)
                    .filter(s -> Signatures.sameToken(s, header.apply("X-Hook-UUID"))).isPresent();
        }

        @Override
        Push push(JsonNode root) {
            return WebhookPayloads.bitbucket(root);
        }
    },

    BITBUCKET_SERVER("Bitbucket Server", "X-Event-Key", Set.of("repo:refs_changed"), Set.of("diagnostics:ping")) {
        @Override
        boolean verify(Function<String, String> header, byte[] body, WebhookKeys keys) {
            String signature = header.apply("X-Hub-Signature");
            if (signature == null || !signature.startsWith("sha256=")) {
                return false;
            }
            String given = signature.substring("sha256=".length());
            return keys.get(WebhookKeys.BITBUCKET_SERVER).filter(s -> Signatures.hexHmacSha256(s, body, given))
                    .isPresent();
        }

        @Override
        Push push(JsonNode root) {
            return WebhookPayloads.bitbucketServer(root);
        }
    },

    AZURE_DEVOPS("Azure DevOps", "X-Vss-Activityid", Set.of("git.push"), Set.of()) {
        @Override
        boolean sent(Function<String, String> header) {
            return header.apply("X-Vss-Activityid") != null || header.apply("X-Vss-Subscriptionid") != null;
        }

        @Override
        String event(Function<String, String> header, JsonNode root) {
            return WebhookPayloads.azureEventType(root);
        }

        @Override
        boolean verify(Function<String, String> header, byte[] body, WebhookKeys keys) {
            Optional<String> user = keys.get(WebhookKeys.AZURE_USERNAME);
            Optional<String> password = keys.get(WebhookKeys.AZURE_PASSWORD);
            return user.isPresent() && password.isPresent()
                    && Signatures.basicAuth(user.get(), password.get(), header.apply("Authorization"));
        }

        @Override
        Push push(JsonNode root) {
            return WebhookPayloads.azureDevOps(root);
        }
    };

    private final String displayName;
    private final String header;
    private final Set<String> pushEvents;
    private final Set<String> pingEvents;

    WebhookProvider(String displayName, String header, Set<String> pushEvents, Set<String> pingEvents) {
        this.displayName = displayName;
        this.header = header;
        this.pushEvents = pushEvents;
        this.pingEvents = pingEvents;
    }

    /** The sender of a request, from its headers; empty for none Fleet takes. */
    public static Optional<WebhookProvider> of(Function<String, String> header) {
        for (WebhookProvider provider : values()) {
            if (provider.sent(header)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }

    boolean sent(Function<String, String> header) {
        String value = header.apply(this.header);
        return value != null && !value.isEmpty();
    }

    /** The event type of the request (from {@code root} for a provider that puts it in the body). */
    String event(Function<String, String> header, JsonNode root) {
        return header.apply(this.header);
    }

    public boolean isPush(String event) {
        return event != null && pushEvents.contains(event);
    }

    /**
     * The provider's test delivery (GitHub's {@code ping}, Bitbucket Server's {@code diagnostics:ping}), told by
     * its event header alone: it names no repository, so it is answered without a secret, as Fleet does.
     */
    public boolean isPing(Function<String, String> header) {
        String event = header.apply(this.header);
        return event != null && pingEvents.contains(event);
    }

    /** Whether the request proves its sender knows these secrets; false when they lack this provider's key. */
    abstract boolean verify(Function<String, String> header, byte[] body, WebhookKeys keys);

    abstract Push push(JsonNode root);

    public String displayName() {
        return displayName;
    }
}
