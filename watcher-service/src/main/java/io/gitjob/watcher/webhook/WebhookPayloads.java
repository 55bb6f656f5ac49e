package io.gitjob.watcher.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads each provider's push payload into what a webhook tells the watcher: which repository, which branch or
 * tag, and the commit the sender says it now points at. The fields are the ones Fleet's webhook reads (its first
 * URL for a provider is the one Fleet matches on); the clone URLs a payload also names are added, so a GitRepo
 * spelled with a clone host other than the web host matches too. The commit is only recorded
 * ({@code status.webhookCommit}): what is deployed is the head a poll resolves.
 */
public final class WebhookPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BRANCH_PREFIX = "refs/heads/";
    private static final String TAG_PREFIX = "refs/tags/";

    /**
     * A push as a payload states it.
     *
     * @param repoUrls the repository's URLs in the payload, never empty
     * @param branch the pushed branch, null for a tag or a ref of neither kind
     * @param tag the pushed tag, null for a branch
     * @param commit the commit the payload names, null or empty when it names none (nothing is recorded)
     */
    public record Push(List<String> repoUrls, String branch, String tag, String commit) {
    }

    /** The body is not a payload of the kind its headers announce. */
    public static class UnreadablePayloadException extends RuntimeException {
        public UnreadablePayloadException(String message) {
            super(message);
        }
    }

    private WebhookPayloads() {
    }

    public static JsonNode json(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new UnreadablePayloadException("payload is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new UnreadablePayloadException("payload is not JSON");
        }
    }

    /** GitHub {@code push}: {@code ref}, {@code after}, {@code repository.html_url}. */
    public static Push gitHub(JsonNode root) {
        JsonNode repository = root.path("repository");
        return fromRef(urls(repository, "html_url", "clone_url", "ssh_url"), root.path("ref").asText(null),
                root.path("after").asText(null));
    }

    /** Gogs {@code push}: as GitHub's ({@code repository.html_url}, {@code ref}, {@code after}). */
    public static Push gogs(JsonNode root) {
        return gitHub(root);
    }

    /** GitLab {@code Push Hook} and {@code Tag Push Hook}: {@code ref}, {@code checkout_sha}, {@code project.web_url}. */
    public static Push gitLab(JsonNode root) {
        JsonNode project = root.path("project");
        return fromRef(urls(project, "web_url", "git_http_url", "git_ssh_url"), root.path("ref").asText(null),
                root.path("checkout_sha").asText(null));
    }

    /**
     * Bitbucket Cloud {@code repo:push}: {@code repository.links.html.href}; the first of {@code push.changes}
     * gives the commit ({@code new.target.hash}) and the branch or tag ({@code new.type}, {@code new.name}).
     */
    public static Push bitbucket(JsonNode root) {
        List<String> urls = new ArrayList<>();
        addText(urls, root.path("repository").path("links").path("html").path("href"));
        requireUrls(urls);
        JsonNode change = root.path("push").path("changes").path(0).path("new");
        String type = change.path("type").asText("");
        String name = change.path("name").asText(null);
        return new Push(urls, "branch".equals(type) ? name : null, "tag".equals(type) ? name : null,
                change.path("target").path("hash").asText(null));
    }

    /**
     * Bitbucket Server (Data Center) {@code repo:refs_changed}: the {@code http} and {@code ssh} entries of
     * {@code repository.links.clone}; the first of {@code changes} gives {@code refId} and {@code toHash}.
     */
    public static Push bitbucketServer(JsonNode root) {
        List<String> urls = new ArrayList<>();
        for (JsonNode link : root.path("repository").path("links").path("clone")) {
            String name = link.path("name").asText("");
            if (name.equals("http") || name.equals("ssh")) {
                addText(urls, link.path("href"));
            }
        }
        JsonNode change = root.path("changes").path(0);
        return fromRef(urls, change.path("refId").asText(null), change.path("toHash").asText(null));
    }

    /**
     * Azure DevOps {@code git.push}: {@code resource.repository.remoteUrl}, read on
     * {@code dev.azure.com/<org>} when it is the older {@code <org>.visualstudio.com} spelling of the same
     * repository; the first of {@code resource.refUpdates} gives {@code name} and {@code newObjectId}.
     */
    public static Push azureDevOps(JsonNode root) {
        JsonNode resource = root.path("resource");
        List<String> urls = new ArrayList<>();
        addText(urls, resource.path("repository").path("remoteUrl"));
        JsonNode update = resource.path("refUpdates").path(0);
        return fromRef(urls.stream().map(WebhookPayloads::devAzureCom).toList(), update.path("name").asText(null),
                update.path("newObjectId").asText(null));
    }

    /** The event type Azure DevOps puts in the body, not in a header. */
    public static String azureEventType(JsonNode root) {
        return root.path("eventType").asText("");
    }

    static String devAzureCom(String url) {
        try {
            URI uri = new URI(url);
            String host = uri.getHost();
            if (host == null || !host.toLowerCase(Locale.ROOT).endsWith(".visualstudio.com")) {
                return url;
            }
            String org = host.substring(0, host.indexOf('.'));
            return new URI(uri.getScheme(), uri.getUserInfo(), "dev.azure.com", uri.getPort(),
                    "/" + org + uri.getPath(), uri.getQuery(), uri.getFragment()).toString();
        } catch (URISyntaxException e) {
            return url;
        }
    }

    private static Push fromRef(List<String> urls, String ref, String commit) {
        requireUrls(urls);
        String branch = null;
        String tag = null;
        if (ref != null && ref.startsWith(BRANCH_PREFIX)) {
            branch = ref.substring(BRANCH_PREFIX.length());
        } else if (ref != null && ref.startsWith(TAG_PREFIX)) {
            tag = ref.substring(TAG_PREFIX.length());
        }
        return new Push(urls, branch, tag, commit);
    }

    private static void requireUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw new UnreadablePayloadException("the payload names no repository URL");
        }
    }

    private static List<String> urls(JsonNode node, String... fields) {
        List<String> values = new ArrayList<>();
        for (String field : fields) {
            addText(values, node.path(field));
        }
        return values;
    }

    private static void addText(List<String> values, JsonNode value) {
        if (value.isTextual() && !value.asText().isBlank()) {
            values.add(value.asText());
        }
    }
}
