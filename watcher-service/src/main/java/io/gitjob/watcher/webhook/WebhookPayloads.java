package io.gitjob.watcher.webhook;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads GitHub and GitLab push payloads into what the watcher needs of them. */
public final class WebhookPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_COMMIT = "0000000000000000000000000000000000000000";

    /**
     * A push to a branch.
     *
     * @param repoUrls every URL the payload gives for the repository (clone, ssh, web)
     * @param defaultBranch the repository's default branch, for GitRepos that name no branch (may be null)
     */
    public record Push(List<String> repoUrls, String branch, String commit, String defaultBranch) {
    }

    /** The body is not a push payload gitjob can read. */
    public static class UnreadablePayloadException extends RuntimeException {
        public UnreadablePayloadException(String message) {
            super(message);
        }
    }

    private WebhookPayloads() {
    }

    /** A GitHub push; empty when it is a push gitjob ignores (a tag, a deleted branch). */
    public static Optional<Push> gitHub(byte[] body) {
        JsonNode root = read(body);
        JsonNode repository = root.path("repository");
        List<String> urls = texts(repository, "clone_url", "ssh_url", "html_url", "git_url", "url");
        return push(root, urls, root.path("after").asText(null), repository.path("default_branch").asText(null));
    }

    /** A GitLab push hook; empty when it is a push gitjob ignores (a tag, a deleted branch). */
    public static Optional<Push> gitLab(byte[] body) {
        JsonNode root = read(body);
        List<String> urls = texts(root.path("project"), "git_http_url", "git_ssh_url", "web_url", "http_url",
                "ssh_url", "url");
        urls.addAll(texts(root.path("repository"), "git_http_url", "git_ssh_url", "homepage", "url"));
        String commit = root.path("checkout_sha").asText(null);
        if (commit == null || commit.isBlank()) {
            commit = root.path("after").asText(null);
        }
        return push(root, urls, commit, root.path("project").path("default_branch").asText(null));
    }

    private static Optional<Push> push(JsonNode root, List<String> urls, String commit, String defaultBranch) {
        String ref = root.path("ref").asText(null);
        if (ref == null || urls.isEmpty()) {
            throw new UnreadablePayloadException("not a push payload: 'ref' or the repository's URLs are missing");
        }
        if (!ref.startsWith("refs/heads/") || commit == null || commit.isBlank() || NO_COMMIT.equals(commit)) {
            return Optional.empty();
        }
        return Optional.of(new Push(urls, ref.substring("refs/heads/".length()), commit, defaultBranch));
    }

    private static JsonNode read(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new UnreadablePayloadException("payload is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new UnreadablePayloadException("payload is not JSON: " + e.getMessage());
        }
    }

    private static List<String> texts(JsonNode node, String... fields) {
        List<String> values = new ArrayList<>();
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                values.add(value.asText());
            }
        }
        return values;
    }
}
