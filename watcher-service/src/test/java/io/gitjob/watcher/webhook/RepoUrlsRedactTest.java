package io.gitjob.watcher.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RepoUrlsRedactTest {

    @Test
    void aPasswordInAUrlNeverLeavesTheWatcher() {
        assertEquals("https://bot:***@git.example/team/app.git",
                RepoUrls.redact("https://bot:ghp_s3cr3t@git.example/team/app.git"));
        assertEquals("https://bot:***@git.example/app.git: not authorized",
                RepoUrls.redact("https://bot:ghp_s3cr3t@git.example/app.git: not authorized"));
    }

    @Test
    void urlsWithoutAPasswordAreLeftAsTheyAre() {
        for (String url : new String[] { "https://git.example/app.git", "https://bot@git.example/app.git",
                "git@github.com:team/app.git", "ssh://git@git.example:2222/app.git", "file:///tmp/repo" }) {
            assertEquals(url, RepoUrls.redact(url));
        }
    }
}
