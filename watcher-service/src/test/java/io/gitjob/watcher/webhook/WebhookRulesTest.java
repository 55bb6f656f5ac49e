package io.gitjob.watcher.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;

class WebhookRulesTest {

    @Test
    void everySpellingOfARepositoryIsOneUrl() {
        for (String url : List.of("https://github.com/Org/App.git", "https://github.com/org/app",
                "http://github.com/org/app/", "git@github.com:org/app.git", "ssh://git@github.com:22/org/app.git",
                "https://user@github.com/org/app.git", "git://github.com/org/app")) {
            assertEquals("github.com/org/app", RepoUrls.normalise(url), url);
        }
        assertEquals("gitlab.example/group/sub/app", RepoUrls.normalise("git@gitlab.example:group/sub/app.git"));
        for (String url : List.of("https://dev.azure.com/org/project/_git/repo",
                "https://org@dev.azure.com/org/project/_git/repo", "git@ssh.dev.azure.com:v3/org/project/repo")) {
            assertEquals("dev.azure.com/org/project/repo", RepoUrls.normalise(url), url);
        }
        assertEquals("https://dev.azure.com/org/project/_git/repo",
                WebhookPayloads.devAzureCom("https://org.visualstudio.com/project/_git/repo"));
        assertEquals("ssh.example/org/app", RepoUrls.normalise("https://ssh.example/org/app"),
                "only an SSH host loses its ssh.");
    }

    @Test
    void signaturesAreCheckedAsEachProviderMakesThem() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        // The example of GitHub's documentation of X-Hub-Signature-256.
        assertTrue(Signatures.hexHmacSha256("It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8),
                "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
        String hex = HexFormat.of().formatHex(Signatures.hmacSha256("s3cret", body));
        WebhookKeys keys = new WebhookKeys(Map.of("github", "s3cret", "bitbucket-server", "s3cret", "gogs", "s3cret",
                "gitlab", "token", "bitbucket", "{uuid}", "azure-username", "u", "azure-password", "p"), "test");
        WebhookKeys none = new WebhookKeys(Map.of("github", ""), "test");

        assertTrue(WebhookProvider.GITHUB.verify(h("X-Hub-Signature-256", "sha256=" + hex), body, keys));
        assertFalse(WebhookProvider.GITHUB.verify(h("X-Hub-Signature", "sha256=" + hex), body, keys),
                "the SHA-1 header is not read");
        assertFalse(WebhookProvider.GITHUB.verify(h("X-Hub-Signature-256", "sha256=" + hex), "{}".getBytes(), keys));
        assertFalse(WebhookProvider.GITHUB.verify(h("X-Hub-Signature-256", "sha256=" + hex), body, none),
                "an empty secret verifies nothing");
        assertTrue(WebhookProvider.BITBUCKET_SERVER.verify(h("X-Hub-Signature", "sha256=" + hex), body, keys));
        assertFalse(WebhookProvider.BITBUCKET_SERVER.verify(h("X-Hub-Signature", hex), body, keys));
        assertTrue(WebhookProvider.GOGS.verify(h("X-Gogs-Signature", hex), body, keys));
        assertFalse(WebhookProvider.GOGS.verify(h("X-Gogs-Signature", "sha256=" + hex), body, keys));
        assertTrue(WebhookProvider.GITLAB.verify(h("X-Gitlab-Token", "token"), body, keys));
        assertFalse(WebhookProvider.GITLAB.verify(h("X-Gitlab-Token", "toke"), body, keys));
        assertTrue(WebhookProvider.BITBUCKET.verify(h("X-Hook-UUID", "{uuid}"), body, keys));
        assertFalse(WebhookProvider.BITBUCKET.verify(h("X-Hook-UUID", null), body, keys));
        assertTrue(WebhookProvider.AZURE_DEVOPS.verify(h("Authorization", basic("u:p")), body, keys));
        assertFalse(WebhookProvider.AZURE_DEVOPS.verify(h("Authorization", basic("u:x")), body, keys));
        assertFalse(WebhookProvider.AZURE_DEVOPS.verify(h("Authorization", basic("x:p")), body, keys));
        assertFalse(WebhookProvider.AZURE_DEVOPS.verify(h("Authorization", "Bearer p"), body, keys));
        assertFalse(WebhookProvider.GITLAB.verify(h("X-Gitlab-Token", "token"), body, none), "no key: nothing");
    }

    @Test
    void providersAreToldApartByTheirHeadersInFleetsOrder() {
        assertEquals(Optional.of(WebhookProvider.GOGS), WebhookProvider.of(h("X-Gogs-Event", "push", "X-GitHub-Event",
                "push")));
        assertEquals(Optional.of(WebhookProvider.BITBUCKET), WebhookProvider.of(h("X-Event-Key", "repo:push",
                "X-Hook-UUID", "u")));
        assertEquals(Optional.of(WebhookProvider.BITBUCKET_SERVER), WebhookProvider.of(h("X-Event-Key", "x")));
        assertEquals(Optional.of(WebhookProvider.AZURE_DEVOPS), WebhookProvider.of(h("X-Vss-Subscriptionid", "x")));
        assertEquals(Optional.empty(), WebhookProvider.of(h("X-Other", "x")));
        assertTrue(WebhookProvider.GITLAB.isPush("Tag Push Hook"));
        assertFalse(WebhookProvider.GITLAB.isPush("Merge Request Hook"));
        assertTrue(WebhookProvider.BITBUCKET_SERVER.isPing(h("X-Event-Key", "diagnostics:ping")));
    }

    @Test
    void payloadsNameTheRepositoryTheRefAndTheCommitAsFleetReadsThem() {
        Push gitHub = WebhookPayloads.gitHub(json("""
                {"ref":"refs/tags/v1","after":"abc","repository":{"html_url":"https://github.com/o/a",
                 "clone_url":"https://github.com/o/a.git"}}"""));
        assertEquals(new Push(List.of("https://github.com/o/a", "https://github.com/o/a.git"), null, "v1", "abc"),
                gitHub);
        Push gitLabTag = WebhookPayloads.gitLab(json("""
                {"object_kind":"tag_push","ref":"refs/tags/v2","after":"x","checkout_sha":"def",
                 "project":{"web_url":"https://gitlab.example/g/a"}}"""));
        assertEquals(new Push(List.of("https://gitlab.example/g/a"), null, "v2", "def"), gitLabTag);
        Push bitbucket = WebhookPayloads.bitbucket(json("""
                {"push":{"changes":[{"new":{"type":"branch","name":"dev","target":{"hash":"123"}}}]},
                 "repository":{"links":{"html":{"href":"https://bitbucket.org/o/a"}}}}"""));
        assertEquals(new Push(List.of("https://bitbucket.org/o/a"), "dev", null, "123"), bitbucket);
        Push noChanges = WebhookPayloads.bitbucket(json("""
                {"push":{"changes":[]},"repository":{"links":{"html":{"href":"https://bitbucket.org/o/a"}}}}"""));
        assertEquals(null, noChanges.commit());
        Push azure = WebhookPayloads.azureDevOps(json("""
                {"eventType":"git.push","resource":{"refUpdates":[{"name":"refs/heads/main","newObjectId":"456"}],
                 "repository":{"remoteUrl":"https://org.visualstudio.com/p/_git/r"}}}"""));
        assertEquals(new Push(List.of("https://dev.azure.com/org/p/_git/r"), "main", null, "456"), azure);
        assertThrows(WebhookPayloads.UnreadablePayloadException.class, () -> WebhookPayloads.json(bytes("[1]")));
        assertThrows(WebhookPayloads.UnreadablePayloadException.class, () -> WebhookPayloads.json(bytes("{")));
        assertThrows(WebhookPayloads.UnreadablePayloadException.class, () -> WebhookPayloads.gitHub(json("{}")));
    }

    @Test
    void aPushIsForTheGitReposOfItsRepositoryAndOfItsBranchWhenTheyNameOne() {
        Push push = new Push(List.of("https://github.com/o/a"), "main", null, "abc");
        assertTrue(PushMatch.matches(push, spec("git@github.com:o/a.git", "main", null)));
        assertTrue(PushMatch.matches(push, spec("https://github.com/o/a", null, null)), "no branch: any push");
        assertFalse(PushMatch.matches(push, spec("https://github.com/o/a", "dev", null)));
        assertFalse(PushMatch.matches(push, spec("https://github.com/o/b", "main", null)));
        assertFalse(PushMatch.matches(push, spec("https://github.com/o/a", "main", "v1")), "pinned revision");
        Push tag = new Push(List.of("https://github.com/o/a"), null, "v1", "abc");
        assertFalse(PushMatch.matches(tag, spec("https://github.com/o/a", "main", null)));
        assertTrue(PushMatch.matches(tag, spec("https://github.com/o/a", null, null)));
    }

    private static GitRepoSpec spec(String repo, String branch, String revision) {
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo(repo);
        spec.setBranch(branch);
        spec.setRevision(revision);
        return spec;
    }

    private static Function<String, String> h(String... namesAndValues) {
        return name -> {
            for (int i = 0; i < namesAndValues.length; i += 2) {
                if (namesAndValues[i].equalsIgnoreCase(name)) {
                    return namesAndValues[i + 1];
                }
            }
            return null;
        };
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        return WebhookPayloads.json(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
