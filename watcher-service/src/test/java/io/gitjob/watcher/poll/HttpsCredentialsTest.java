package io.gitjob.watcher.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javax.net.ssl.HttpsURLConnection;

import org.eclipse.jgit.api.errors.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.watcher.TestGit;
import io.gitjob.watcher.poll.GitCredentials.CredentialsException;

/**
 * ls-remote over HTTPS against JGit's Git server behind a test CA, with the trust and the basic-auth credentials
 * a GitRepo gets: {@code spec.caBundle}, Rancher's CA bundle, {@code insecureSkipTLSVerify}, and the
 * {@code gitcredential} default Secret. The mock API server stands in for the cluster holding the Secrets.
 */
class HttpsCredentialsTest {

    private static final String USER = "fleet-user";
    private static final String PASSWORD = "s3cret-passw0rd";

    private final TestCertificates certificates = new TestCertificates();
    private Path repositories;
    private TestGit repo;
    private TestGitHttpsServer open;
    private TestGitHttpsServer closed;
    private TestCluster cluster;
    private GitCredentials credentials;
    private final RemoteHeads remote = new RemoteHeads(Duration.ofSeconds(20));

    @BeforeEach
    void start() {
        repositories = TestGit.tempDir();
        repo = TestGit.create(repositories, "served");
        open = new TestGitHttpsServer(repositories, certificates, null);
        closed = new TestGitHttpsServer(repositories, certificates, (u, p) -> USER.equals(u) && PASSWORD.equals(p));
        cluster = new TestCluster();
        credentials = new GitCredentials(cluster.client,
                new GitHubAppTokens(Optional.empty(), Duration.ofMinutes(5), Duration.ofSeconds(20)),
                "cattle-fleet-system/known-hosts", false);
    }

    @AfterEach
    void stop() {
        open.close();
        closed.close();
        cluster.close();
        repo.close();
    }

    @Test
    void theCaBundleOfTheGitRepoIsTrusted() throws Exception {
        assertEquals(repo.head(), head(gitRepo(open, s -> s.setCaBundle(certificates.caBundle()))));
    }

    @Test
    void withoutTheCaBundleThePrivateCaIsRefused() {
        var e = assertThrows(TransportException.class, () -> head(gitRepo(open, s -> {
        })));
        assertTrue(e.getMessage().contains("served"), e.getMessage());
    }

    @Test
    void insecureSkipTLSVerifyAcceptsTheServerForThatGitRepoOnly() throws Exception {
        var sslDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
        assertEquals(repo.head(), head(gitRepo(open, s -> s.setInsecureSkipTLSVerify(true))));
        // Neither the JVM's default nor JGit's shared connection factory took the other GitRepo's trust.
        assertSame(sslDefault, HttpsURLConnection.getDefaultSSLSocketFactory());
        assertThrows(TransportException.class, () -> head(gitRepo(open, s -> {
        })));
        assertEquals(repo.head(), head(gitRepo(open, s -> s.setCaBundle(certificates.caBundle()))));
        assertThrows(TransportException.class, () -> head(gitRepo(open, s -> {
        })));
    }

    @Test
    void rancherCaBundleIsTrustedWhenTheGitRepoHasNone() throws Exception {
        cluster.secret("cattle-system", "tls-ca", "Opaque", Map.of("cacerts.pem", certificates.caPem()));
        assertEquals(repo.head(), head(gitRepo(open, s -> {
        })));
    }

    @Test
    void aCaBundleThatIsNoCertificateNamesTheGitRepo() {
        var e = assertThrows(CredentialsException.class, () -> head(gitRepo(open,
                s -> s.setCaBundle(java.util.Base64.getEncoder().encodeToString("not a certificate".getBytes())))));
        assertTrue(e.getMessage().contains("spec.caBundle of GitRepo fleet-local/repo"), e.getMessage());
    }

    @Test
    void theGitcredentialSecretIsTheDefaultBasicAuth() throws Exception {
        cluster.secret(GitCredentials.DEFAULT_SECRET, "kubernetes.io/basic-auth",
                Map.of("username", USER, "password", PASSWORD));
        assertEquals(repo.head(), head(gitRepo(closed, s -> s.setCaBundle(certificates.caBundle()))));
    }

    @Test
    void withoutAnySecretTheRemoteIsAskedAnonymously() {
        var e = assertThrows(TransportException.class, () -> head(gitRepo(closed,
                s -> s.setCaBundle(certificates.caBundle()))));
        assertTrue(closed.refused() > 0);
        assertFalse(e.getMessage().contains(PASSWORD));
    }

    @Test
    void theNamedSecretWinsOverGitcredential() throws Exception {
        cluster.secret(GitCredentials.DEFAULT_SECRET, "kubernetes.io/basic-auth",
                Map.of("username", USER, "password", "wrong-default"));
        cluster.secret("team-auth", "kubernetes.io/basic-auth", Map.of("username", USER, "password", PASSWORD));
        assertEquals(repo.head(), head(gitRepo(closed, s -> {
            s.setCaBundle(certificates.caBundle());
            s.setClientSecretName("team-auth");
        })));
    }

    @Test
    void aNamedSecretThatIsMissingIsAnErrorNamingIt() {
        cluster.secret(GitCredentials.DEFAULT_SECRET, "kubernetes.io/basic-auth",
                Map.of("username", USER, "password", PASSWORD));
        var e = assertThrows(CredentialsException.class, () -> head(gitRepo(closed, s -> {
            s.setCaBundle(certificates.caBundle());
            s.setClientSecretName("no-such-secret");
        })));
        assertEquals("secret fleet-local/no-such-secret (spec.clientSecretName) not found", e.getMessage());
    }

    @Test
    void aSecretWithoutGitCredentialsNamesItsTypeNotItsValues() {
        cluster.secret("odd", "Opaque", Map.of("token", "tok-s3cr3t"));
        var e = assertThrows(CredentialsException.class, () -> head(gitRepo(closed, s -> {
            s.setCaBundle(certificates.caBundle());
            s.setClientSecretName("odd");
        })));
        assertTrue(e.getMessage().contains("fleet-local/odd (type Opaque)"), e.getMessage());
        assertFalse(e.getMessage().contains("tok-s3cr3t"), e.getMessage());
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingIt() {
        cluster.secret("team-auth", "kubernetes.io/basic-auth", Map.of("username", USER, "password", "n0t-it-x"));
        var e = assertThrows(TransportException.class, () -> head(gitRepo(closed, s -> {
            s.setCaBundle(certificates.caBundle());
            s.setClientSecretName("team-auth");
        })));
        assertFalse(e.getMessage().contains("n0t-it-x"), e.getMessage());
    }

    private String head(GitRepo gitRepo) throws Exception {
        RepoSpec spec = new RepoSpec(gitRepo.getSpec().getRepo(), "main", null, List.of(), null,
                gitRepo.getSpec().getClientSecretName(), null, false, false, false);
        return remote.head(gitRepo, spec, credentials.forGitRepo(gitRepo)).commit();
    }

    private static GitRepo gitRepo(TestGitHttpsServer server, Consumer<GitRepoSpec> customize) {
        return TestCluster.gitRepo("repo", server.url("served"), customize);
    }
}
