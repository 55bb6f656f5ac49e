package io.gitjob.watcher.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.gitjob.events.RepoSpec;
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
    }

    @Test
    void gitHubSignaturesAreHmacSha256OfTheBody() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        // The example from GitHub's documentation of X-Hub-Signature-256.
        assertTrue(Signatures.validGitHub("It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8),
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
        String good = "sha256=" + HexFormat.of().formatHex(Signatures.hmacSha256("s3cret", body));
        assertTrue(Signatures.validGitHub("s3cret", body, good));
        assertFalse(Signatures.validGitHub("other", body, good));
        assertFalse(Signatures.validGitHub("s3cret", "{}".getBytes(StandardCharsets.UTF_8), good));
        assertFalse(Signatures.validGitHub("s3cret", body, "sha1=abc"));
        assertFalse(Signatures.validGitHub("s3cret", body, "sha256=not-hex"));
        assertFalse(Signatures.validGitHub("s3cret", body, null));
        assertFalse(Signatures.validGitHub(null, body, good), "no secret configured: nothing is valid");
        assertTrue(Signatures.validGitLab("token", "token"));
        assertFalse(Signatures.validGitLab("token", "toke"));
        assertFalse(Signatures.validGitLab(null, "token"));
    }

    @Test
    void pushPayloadsAreReadAndNonBranchPushesIgnored() {
        Push push = WebhookPayloads.gitHub(bytes("""
                {"ref":"refs/heads/main","after":"abc","repository":{"clone_url":"https://github.com/o/a.git",
                 "ssh_url":"git@github.com:o/a.git","default_branch":"trunk"}}""")).get();
        assertEquals(new Push(List.of("https://github.com/o/a.git", "git@github.com:o/a.git"), "main", "abc", "trunk"),
                push);
        assertEquals(Optional.empty(), WebhookPayloads.gitHub(bytes("""
                {"ref":"refs/tags/v1","after":"abc","repository":{"clone_url":"https://github.com/o/a.git"}}""")));
        assertEquals(Optional.empty(), WebhookPayloads.gitHub(bytes("""
                {"ref":"refs/heads/gone","after":"0000000000000000000000000000000000000000","deleted":true,
                 "repository":{"clone_url":"https://github.com/o/a.git"}}""")));
        Push gitLab = WebhookPayloads.gitLab(bytes("""
                {"object_kind":"push","ref":"refs/heads/dev","after":"x","checkout_sha":"def",
                 "project":{"git_http_url":"https://gitlab.example/g/a.git","default_branch":"main"}}""")).get();
        assertEquals("def", gitLab.commit());
        assertEquals("dev", gitLab.branch());
        assertThrows(WebhookPayloads.UnreadablePayloadException.class, () -> WebhookPayloads.gitHub(bytes("[1]")));
        assertThrows(WebhookPayloads.UnreadablePayloadException.class, () -> WebhookPayloads.gitLab(bytes("{")));
        assertThrows(WebhookPayloads.UnreadablePayloadException.class, () -> WebhookPayloads.gitHub(bytes("{}")));
    }

    @Test
    void aPushIsForTheGitReposOfItsRepositoryAndBranch() {
        Push push = new Push(List.of("https://github.com/o/a.git"), "main", "abc", "main");
        assertTrue(PushMatch.matches(push, spec("git@github.com:o/a.git", "main", null)));
        assertTrue(PushMatch.matches(push, spec("https://github.com/o/a", null, null)), "default branch");
        assertFalse(PushMatch.matches(push, spec("https://github.com/o/a", "dev", null)));
        assertFalse(PushMatch.matches(push, spec("https://github.com/o/b", "main", null)));
        assertFalse(PushMatch.matches(push, spec("https://github.com/o/a", "main", "v1")), "pinned revision");
    }

    private static RepoSpec spec(String repo, String branch, String revision) {
        return new RepoSpec(repo, branch, revision, null, null, null, null, false, false, false);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
