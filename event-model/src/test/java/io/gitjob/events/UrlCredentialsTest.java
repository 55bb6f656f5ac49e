package io.gitjob.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UrlCredentialsTest {

    @Test
    void aPasswordInAUrlNeverLeavesAService() {
        assertEquals("https://bot:***@git.example/team/app.git",
                UrlCredentials.redact("https://bot:ghp_s3cr3t@git.example/team/app.git"));
        assertEquals("https://bot:***@git.example/app.git: not authorized",
                UrlCredentials.redact("https://bot:ghp_s3cr3t@git.example/app.git: not authorized"));
    }

    @Test
    void aUrlRightAfterAnotherBehindACommaOrSemicolonIsRedactedToo() {
        assertEquals("https://u:***@a.example,https://***@b.example/x",
                UrlCredentials.redact("https://u:p@a.example,https://tok@b.example/x"));
        assertEquals("remotes: https://***@a.example; ssh://git:***@b.example:22/x",
                UrlCredentials.redact("remotes: https://tok@a.example; ssh://git:pw@b.example:22/x"));
    }

    @Test
    void aTokenWrittenAsTheUserOfAnHttpsUrlGoesToo() {
        // GitHub's and GitLab's way: https://<token>@host/... (a plain user name cannot be told from one).
        assertEquals("cloning https://***@github.com/team/app.git failed",
                UrlCredentials.redact("cloning https://ghp_abc123@github.com/team/app.git failed"));
        assertEquals("HTTPS://***@github.com/app.git", UrlCredentials.redact("HTTPS://ghp_abc123@github.com/app.git"));
        // Decided: a lone user name on http(s) goes as well, as it may be a token.
        assertEquals("http://***@git.example:8080/app.git", UrlCredentials.redact("http://alice@git.example:8080/app.git"));
        // Without a path or a port.
        assertEquals("https://***@github.com", UrlCredentials.redact("https://ghp_abc123@github.com"));
    }

    @Test
    void aTokenInTheUserNameGoesEvenWithAPassword() {
        assertEquals("https://***:***@github.com/app.git",
                UrlCredentials.redact("https://ghp_abc123:x-oauth-basic@github.com/app.git"));
        assertEquals("https://***:***@gitlab.com/app.git",
                UrlCredentials.redact("https://glpat-abc123:whatever@gitlab.com/app.git"));
    }

    @Test
    void anSshPasswordGoesButAnSshUserStays() {
        assertEquals("ssh://deploy:***@git.example:2222/app.git",
                UrlCredentials.redact("ssh://deploy:hunter2@git.example:2222/app.git"));
        assertEquals("ssh://git@git.example/app.git", UrlCredentials.redact("ssh://git@git.example/app.git"));
    }

    @Test
    void percentEncodedAndRawSpecialCharactersInTheUserinfoGoWhole() {
        assertEquals("https://me%40corp.example:***@git.example/app.git",
                UrlCredentials.redact("https://me%40corp.example:p%40ss%2Fw0rd@git.example/app.git"));
        // A raw '@' (not valid, but typed): the userinfo ends at the last '@' of the authority, as parsers take it.
        assertEquals("https://bot:***@git.example/app.git", UrlCredentials.redact("https://bot:p@ss@git.example/app.git"));
        assertEquals("https://***@git.example/app.git", UrlCredentials.redact("https://tok@en@git.example/app.git"));
        assertEquals("https://bot:***@git.example/app.git",
                UrlCredentials.redact("https://bot:a#b?c:d@git.example/app.git"));
    }

    @Test
    void everyUrlOfATextIsRedacted() {
        assertEquals("fetch https://***@a.example/x.git, then https://u:***@b.example/y.git; ssh://git@c.example/z",
                UrlCredentials.redact("fetch https://tok1@a.example/x.git, then https://u:tok2@b.example/y.git;"
                        + " ssh://git@c.example/z"));
        assertEquals("{\"repo\":\"https://***@a.example\",\"other\":\"https://u:***@b.example\"}",
                UrlCredentials.redact("{\"repo\":\"https://tok1@a.example\",\"other\":\"https://u:tok2@b.example\"}"));
        assertEquals("<https://***@a.example> and git@github.com:team/app.git",
                UrlCredentials.redact("<https://tok1@a.example> and git@github.com:team/app.git"));
    }

    @Test
    void urlsWithoutACredentialAreLeftAsTheyAre() {
        for (String url : new String[] { "https://git.example/app.git", "git@github.com:team/app.git",
                "ssh://git@git.example:2222/app.git", "file:///tmp/repo", "https://git.example/team/@scope/app.git",
                "mail me at someone@example.com", "" }) {
            assertEquals(url, UrlCredentials.redact(url));
            assertFalse(UrlCredentials.carriesCredential(url), url);
        }
        assertNull(UrlCredentials.redact(null));
        assertFalse(UrlCredentials.carriesCredential(null));
    }

    @Test
    void aUrlCarriesACredentialExactlyWhenRedactionHidesSomething() {
        assertTrue(UrlCredentials.carriesCredential("https://ghp_abc123@github.com/app.git"));
        assertTrue(UrlCredentials.carriesCredential("https://bot:pw@git.example/app.git"));
        assertTrue(UrlCredentials.carriesCredential("ssh://deploy:pw@git.example/app.git"));
    }
}
