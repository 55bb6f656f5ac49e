package io.gitjob.watcher.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.watcher.TestGit;
import io.gitjob.watcher.poll.GitCredentials.CredentialsException;

/**
 * ls-remote of an ssh:// remote with the Secret's ssh-privatekey against JGit's own SSH server serving a
 * repository the test creates, with host keys checked as Fleet checks them: the Secret's known_hosts, else the
 * cluster-wide known-hosts ConfigMap, else refused unless unknown keys are accepted explicitly. The mock API
 * server stands in for the cluster holding the Secret and the ConfigMap.
 */
class SshCredentialsTest {

    private static final String CONFIG_MAP = "cattle-fleet-system/known-hosts";

    private final java.security.KeyPair user = TestCertificates.rsa();
    private final java.security.KeyPair host = TestCertificates.rsa();
    private TestGit repo;
    private SshTestGitServer server;
    private int port;
    private TestCluster cluster;
    private final RemoteHeads remote = new RemoteHeads(Duration.ofSeconds(20));

    @BeforeEach
    void start() throws Exception {
        repo = TestGit.create(TestGit.tempDir(), "over-ssh");
        server = new SshTestGitServer("git", user.getPublic(), repo.repository(), host);
        port = server.start();
        cluster = new TestCluster();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        cluster.close();
        repo.close();
    }

    @Test
    void theSecretsKeyAndKnownHostsReadTheRemotesHead() throws Exception {
        cluster.secret("ssh-auth", "kubernetes.io/ssh-auth",
                Map.of("ssh-privatekey", pem(user), "known_hosts", knownHost(host)));
        assertEquals(repo.head(), head(credentials(false), gitRepo("ssh-auth")));
    }

    @Test
    void theClusterWideKnownHostsConfigMapIsTheFallback() throws Exception {
        cluster.secret("ssh-auth", "kubernetes.io/ssh-auth", Map.of("ssh-privatekey", pem(user)));
        cluster.configMap("cattle-fleet-system", "known-hosts", Map.of("known_hosts", knownHost(host)));
        assertEquals(repo.head(), head(credentials(false), gitRepo("ssh-auth")));
    }

    @Test
    void anUnknownHostKeyIsRefusedSayingWhereKeysAreLookedFor() {
        cluster.secret("ssh-auth", "kubernetes.io/ssh-auth", Map.of("ssh-privatekey", pem(user)));
        cluster.configMap("cattle-fleet-system", "known-hosts",
                Map.of("known_hosts", knownHost(TestCertificates.rsa())));
        var e = assertThrows(TransportException.class, () -> head(credentials(false), gitRepo("ssh-auth")));
        assertTrue(e.getMessage().contains("is not in key known_hosts of ConfigMap " + CONFIG_MAP), e.getMessage());
        assertTrue(e.getMessage().contains("gitjob.watcher.insecure-skip-host-key-checks"), e.getMessage());
    }

    @Test
    void withoutAnyKnownHostsTheGitRepoIsRefusedBeforeConnecting() {
        cluster.secret("ssh-auth", "kubernetes.io/ssh-auth", Map.of("ssh-privatekey", pem(user)));
        var e = assertThrows(CredentialsException.class, () -> head(credentials(false), gitRepo("ssh-auth")));
        assertTrue(e.getMessage().contains("ConfigMap " + CONFIG_MAP + " does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("fleet-local/ssh-auth has no known_hosts"), e.getMessage());
    }

    @Test
    void theInsecureSettingAcceptsAnUnknownKeyAndWarnsOncePerGitRepo() throws Exception {
        cluster.secret("ssh-auth", "kubernetes.io/ssh-auth", Map.of("ssh-privatekey", pem(user)));
        GitCredentials credentials = credentials(true);
        List<LogRecord> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(GitCredentials.class.getName());
        logger.addHandler(capture);
        try {
            assertEquals(repo.head(), head(credentials, gitRepo("ssh-auth")));
            assertEquals(repo.head(), head(credentials, gitRepo("ssh-auth")));
            assertEquals(repo.head(), head(credentials, TestCluster.gitRepo("another", url(), s -> {
                s.setClientSecretName("ssh-auth");
            })));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(2, warnings.size(), "once for each of the two GitRepos");
        assertTrue(message(warnings.get(0)).contains("GitRepo fleet-local/over-ssh"), message(warnings.get(0)));
        assertTrue(message(warnings.get(1)).contains("GitRepo fleet-local/another"), message(warnings.get(1)));
    }

    @Test
    void anotherUserKeyIsRefused() {
        cluster.secret("ssh-auth", "kubernetes.io/ssh-auth",
                Map.of("ssh-privatekey", pem(TestCertificates.rsa()), "known_hosts", knownHost(host)));
        assertThrows(TransportException.class, () -> head(credentials(false), gitRepo("ssh-auth")));
    }

    @Test
    void anSshUrlWithoutAKeyIsAClearError() {
        var e = assertThrows(CredentialsException.class, () -> head(credentials(false), TestCluster.gitRepo(
                "no-key", url(), s -> {
                })));
        assertTrue(e.getMessage().contains("an SSH repo URL needs an SSH key"), e.getMessage());
    }

    @Test
    void anUnreadableKeyNamesTheSecretNotTheKey() {
        cluster.secret("ssh-auth", "kubernetes.io/ssh-auth",
                Map.of("ssh-privatekey", "not-a-key-but-a-s3cr3t", "known_hosts", knownHost(host)));
        var e = assertThrows(CredentialsException.class, () -> head(credentials(false), gitRepo("ssh-auth")));
        assertTrue(e.getMessage().contains("fleet-local/ssh-auth"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    private static String message(LogRecord record) {
        return record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                : record.getMessage();
    }

    private GitCredentials credentials(boolean insecureSkipHostKeyChecks) {
        return new GitCredentials(cluster.client,
                new GitHubAppTokens(Optional.empty(), Duration.ofMinutes(5), Duration.ofSeconds(20)), CONFIG_MAP,
                insecureSkipHostKeyChecks);
    }

    private String head(GitCredentials credentials, GitRepo gitRepo) throws Exception {
        RepoSpec spec = new RepoSpec(gitRepo.getSpec().getRepo(), "main", null, List.of(), null,
                gitRepo.getSpec().getClientSecretName(), null, false, false, false);
        return remote.head(gitRepo, spec, credentials.forGitRepo(gitRepo)).commit();
    }

    private GitRepo gitRepo(String secret) {
        return TestCluster.gitRepo("over-ssh", url(), s -> s.setClientSecretName(secret));
    }

    private String url() {
        return "ssh://git@localhost:" + port + "/over-ssh";
    }

    /** A known_hosts line for the test server, as ssh-keyscan -p prints it. */
    private String knownHost(java.security.KeyPair keys) {
        return "[localhost]:" + port + " " + PublicKeyEntry.toString(keys.getPublic()) + "\n";
    }

    /** A private key as a Kubernetes ssh-auth Secret holds it (PEM, PKCS#8). */
    private static String pem(java.security.KeyPair keys) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }
}
