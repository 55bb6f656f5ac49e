package io.gitjob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void aTokenWrittenAsTheUserOfAnHttpsUrlGoesToo() {
        // GitHub's and GitLab's way: https://<token>@host/... (a plain user name cannot be told from one).
        assertEquals("cloning https://***@github.com/team/app.git failed",
                UrlCredentials.redact("cloning https://ghp_abc123@github.com/team/app.git failed"));
    }

    @Test
    void urlsWithoutACredentialAreLeftAsTheyAre() {
        for (String url : new String[] { "https://git.example/app.git", "git@github.com:team/app.git",
                "ssh://git@git.example:2222/app.git", "file:///tmp/repo" }) {
            assertEquals(url, UrlCredentials.redact(url));
        }
    }
}
