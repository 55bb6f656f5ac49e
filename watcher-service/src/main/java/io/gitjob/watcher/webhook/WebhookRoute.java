package io.gitjob.watcher.webhook;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoKey;
import io.gitjob.watcher.GitRepoWatch;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;
import io.gitjob.watcher.webhook.WebhookPayloads.UnreadablePayloadException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code POST /webhook}: GitHub and GitLab push events. A valid push for a watched repository and branch
 * publishes commit detected at once, also for GitRepos with polling disabled (Fleet #2969). Answers: 200
 * with the GitRepos the push is for; 202 when it is for none (or is a push gitjob ignores, e.g. a tag);
 * 400 for an unreadable request; 401 for a bad or missing signature or token, or a provider without a
 * configured secret; 413 for a body over the limit (1 MiB).
 */
@ApplicationScoped
public class WebhookRoute {

    private static final Logger LOG = Logger.getLogger(WebhookRoute.class);

    @ConfigProperty(name = "gitjob.webhook.github-secret")
    Optional<String> gitHubSecret;

    @ConfigProperty(name = "gitjob.webhook.gitlab-token")
    Optional<String> gitLabToken;

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
        router.post("/webhook").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        // Publishing waits for the broker: not on the event loop.
        router.post("/webhook").blockingHandler(this::serve, false);
    }

    private void serve(RoutingContext ctx) {
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        Reply reply;
        try {
            reply = handle(name -> ctx.request().getHeader(name), body);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Webhook request failed");
            reply = new Reply(500, "{\"error\":\"could not publish the push; the sender will retry\"}");
        }
        ctx.response().setStatusCode(reply.status()).putHeader("content-type", "application/json").end(reply.body());
    }

    Reply handle(Function<String, String> header, byte[] body) {
        Optional<Push> push;
        try {
            if (header.apply("X-GitHub-Event") != null) {
                if (gitHubSecret.isEmpty()) {
                    return error(401, "GitHub webhooks are not accepted: gitjob.webhook.github-secret is not set");
                }
                if (!Signatures.validGitHub(gitHubSecret.get(), body, header.apply("X-Hub-Signature-256"))) {
                    return error(401, "X-Hub-Signature-256 does not match the body signed with the configured secret");
                }
                String event = header.apply("X-GitHub-Event");
                if (!"push".equals(event)) {
                    return new Reply(202, "{\"ignored\":\"GitHub event " + json(event) + "\"}");
                }
                push = WebhookPayloads.gitHub(body);
            } else if (header.apply("X-Gitlab-Event") != null || header.apply("X-Gitlab-Token") != null) {
                if (gitLabToken.isEmpty()) {
                    return error(401, "GitLab webhooks are not accepted: gitjob.webhook.gitlab-token is not set");
                }
                if (!Signatures.validGitLab(gitLabToken.get(), header.apply("X-Gitlab-Token"))) {
                    return error(401, "X-Gitlab-Token is not the configured token");
                }
                String event = header.apply("X-Gitlab-Event");
                if (!"Push Hook".equals(event)) {
                    return new Reply(202, "{\"ignored\":\"GitLab event " + json(String.valueOf(event)) + "\"}");
                }
                push = WebhookPayloads.gitLab(body);
            } else {
                return error(400, "not a GitHub or GitLab webhook: no X-GitHub-Event or X-Gitlab-Event header");
            }
        } catch (UnreadablePayloadException e) {
            return error(400, e.getMessage());
        }
        if (push.isEmpty()) {
            return new Reply(202, "{\"ignored\":\"not a push to a branch\"}");
        }
        List<GitRepoKey> gitRepos = fanOut.pushed(push.get(), watch.cached());
        LOG.infof("Webhook push of %s to branch %s (commit %s) is for %s", push.get().repoUrls().get(0),
                push.get().branch(), push.get().commit(), gitRepos);
        if (gitRepos.isEmpty()) {
            return new Reply(202, "{\"gitRepos\":[]}");
        }
        return new Reply(200, "{\"gitRepos\":[" + String.join(",",
                gitRepos.stream().map(k -> "\"" + json(k.toString()) + "\"").toList()) + "]}");
    }

    private static Reply error(int status, String message) {
        return new Reply(status, "{\"error\":\"" + json(message) + "\"}");
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
