package io.gitjob.watcher.webhook;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gitjob.events.GitRepoKey;
import io.gitjob.watcher.GitRepoWatch;
import io.gitjob.watcher.webhook.WebhookFanOut.Outcome;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;
import io.gitjob.watcher.webhook.WebhookPayloads.UnreadablePayloadException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Webhooks, on the service's HTTP port (which serves nothing else: {@code /q/*} is on the management port), at
 * any path as Fleet's listener takes them: GitHub, GitLab, Bitbucket Cloud, Bitbucket Server, Gogs and Azure
 * DevOps pushes ({@link WebhookProvider}). A push verified with a matching GitRepo's secrets is recorded in its
 * status ({@code webhookCommit}, {@code lastWebhookTime}), which makes the owner replica poll it at once; the
 * payload's commit itself is never deployed. Answers (docs/watcher.md, "Webhooks"): 200 for a verified push, a
 * provider's ping, an event that is not a push, and a push no GitRepo is for; 400 for a request of no known
 * provider or an unreadable payload; 401 when the push is for GitRepos but verifies with none of their secrets;
 * 413 for a body over the limit; 500 when a Secret or the status could not be read or written (the sender
 * delivers again).
 */
@ApplicationScoped
public class WebhookRoute {

    private static final Logger LOG = Logger.getLogger(WebhookRoute.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "gitjob.webhook.max-body-bytes", defaultValue = "1048576")
    long maxBodyBytes;

    @Inject
    WebhookFanOut fanOut;

    @Inject
    GitRepoWatch watch;

    public record Reply(int status, String body) {
    }

    void install(@Observes Router router) {
        // The body handler answers 413 itself once a body passes the limit, before it is all read.
        router.post().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        // Secrets and status are read and written through the API: not on the event loop.
        router.post().blockingHandler(this::serve, false);
    }

    private void serve(RoutingContext ctx) {
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        Reply reply;
        try {
            reply = handle(name -> ctx.request().getHeader(name), body);
        } catch (RuntimeException e) {
            LOG.errorf("Webhook processing failed: %s", RepoUrls.redact(String.valueOf(e.getMessage())));
            reply = error(500, "webhook processing failed; deliver it again");
        }
        ctx.response().setStatusCode(reply.status()).putHeader("content-type", "application/json").end(reply.body());
    }

    Reply handle(Function<String, String> header, byte[] body) {
        Optional<WebhookProvider> sender = WebhookProvider.of(header);
        if (sender.isEmpty()) {
            return error(400, "not a webhook of GitHub, GitLab, Bitbucket, Bitbucket Server, Gogs or Azure DevOps");
        }
        WebhookProvider provider = sender.get();
        if (provider.isPing(header)) {
            return message("Webhook received successfully");
        }
        Push push;
        try {
            JsonNode root = WebhookPayloads.json(body);
            String event = provider.event(header, root);
            if (!provider.isPush(event)) {
                LOG.debugf("Ignoring %s event %s", provider.displayName(), event);
                return message("ignored: " + provider.displayName() + " event " + event + " is not a push");
            }
            push = provider.push(root);
        } catch (UnreadablePayloadException e) {
            return error(400, e.getMessage());
        }
        Outcome outcome = fanOut.offer(provider, header, body, push, watch.cached());
        String repo = RepoUrls.redact(push.repoUrls().get(0));
        String ref = push.branch() != null ? "branch " + push.branch()
                : push.tag() != null ? "tag " + push.tag() : "no branch or tag";
        if (outcome.matched().isEmpty()) {
            LOG.debugf("%s push of %s (%s) is for no GitRepo", provider.displayName(), repo, ref);
            return new Reply(200, "{\"gitRepos\":[],\"message\":\"no GitRepo watches this repository and branch\"}");
        }
        if (outcome.verified().isEmpty()) {
            LOG.warnf("%s push of %s (%s) for %s does not verify with their webhook secrets; ignored",
                    provider.displayName(), repo, ref, outcome.matched());
            return error(401, "the request does not verify with the webhook secret of any GitRepo it is for");
        }
        LOG.infof("%s push of %s (%s, commit %s) triggers a poll of %s", provider.displayName(), repo, ref,
                push.commit(), outcome.verified());
        if (outcome.verified().size() < outcome.matched().size()) {
            // Expected when GitRepos of one repository have different secrets: each delivery verifies for some.
            LOG.debugf("%s push of %s did not verify for %s", provider.displayName(), repo, outcome.matched().stream()
                    .filter(k -> !outcome.verified().contains(k)).toList());
        }
        return new Reply(200, "{\"gitRepos\":" + keys(outcome.verified()) + "}");
    }

    private static String keys(List<GitRepoKey> keys) {
        return "[" + String.join(",", keys.stream().map(k -> "\"" + json(k.toString()) + "\"").toList()) + "]";
    }

    private static Reply message(String text) {
        return new Reply(200, "{\"message\":\"" + json(text) + "\"}");
    }

    private static Reply error(int status, String message) {
        return new Reply(status, "{\"error\":\"" + json(message) + "\"}");
    }

    /** {@code text} as the inside of a JSON string (an event type is the sender's text, control characters too). */
    private static String json(String text) {
        try {
            String quoted = JSON.writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
