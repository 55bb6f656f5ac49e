package io.gitjob.watcher.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gitjob.events.RepoSpec;
import io.gitjob.watcher.TestGit;

/**
 * Polling an ssh:// remote with the Secret's ssh-privatekey, against JGit's own SSH server serving a
 * repository the test creates.
 */
class SshCredentialsTest {

    private final KeyPair user = keyPair();
    private final KeyPair host = keyPair();
    private TestGit repo;
    private SshTestGitServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        repo = TestGit.create(TestGit.tempDir(), "over-ssh");
        server = new SshTestGitServer("git", user.getPublic(), repo.repository(), host);
        port = server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        repo.close();
    }

    @Test
    void theSecretsPrivateKeyReadsTheRemotesHead() throws Exception {
        var auth = GitCredentials.fromSecret("fleet-local/ssh-auth", Map.of("ssh-privatekey", pem(user)));
        var head = new RemoteHeads(Duration.ofSeconds(20)).head(spec(), auth);
        assertEquals(repo.head(), head.commit());
    }

    @Test
    void anotherKeyIsRefused() {
        var auth = GitCredentials.fromSecret("fleet-local/ssh-auth", Map.of("ssh-privatekey", pem(keyPair())));
        assertThrows(TransportException.class, () -> new RemoteHeads(Duration.ofSeconds(20)).head(spec(), auth));
    }

    @Test
    void withKnownHostsOnlyThoseHostsAreTrusted() {
        String otherHost = "[localhost]:" + port + " ecdsa-sha2-nistp256 "
                + "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBE4m2yY1ClbKbHc7dhIZ0fMlPbKR3SOg3BMnIr7bJjaJ"
                + "bDZvB2ulp4hh7Hsd9mu7Krq9KwMnk1gxt4qR3v6a7cE=";
        var auth = GitCredentials.fromSecret("fleet-local/ssh-auth",
                Map.of("ssh-privatekey", pem(user), "known_hosts", otherHost + "\n"));
        assertThrows(TransportException.class, () -> new RemoteHeads(Duration.ofSeconds(20)).head(spec(), auth));
    }

    @Test
    void anUnreadableKeyNamesTheSecretNotTheKey() {
        var e = assertThrows(GitCredentials.CredentialsException.class, () -> GitCredentials.fromSecret(
                "fleet-local/ssh-auth", Map.of("ssh-privatekey", "not-a-key-but-a-s3cr3t")));
        assertTrue(e.getMessage().contains("fleet-local/ssh-auth"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    private RepoSpec spec() {
        return new RepoSpec("ssh://git@localhost:" + port + "/over-ssh", "main", null, List.of(), null,
                "ssh-auth", null, false, false, false);
    }

    /** A private key as a Kubernetes ssh-auth Secret holds it (PEM, PKCS#8). */
    private static String pem(KeyPair keys) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
