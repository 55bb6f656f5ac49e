package io.gitjob.watcher.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.watcher.TestGit;
import io.gitjob.watcher.poll.GitCredentials.CredentialsException;

/**
 * A GitRepo whose Secret holds GitHub App credentials: the watcher mints an installation token from a stand-in
 * of GitHub's token endpoint (which, like GitHub, takes only an RS256 JWT signed by the app's real RSA key) and
 * sends it as the password of {@code x-access-token} to an HTTPS Git server that accepts only tokens the
 * endpoint issued. The mock API server stands in for the cluster holding the Secret.
 */
class GitHubAppCredentialsTest {

    private static final long APP_ID = 123456;
    private static final long INSTALLATION_ID = 7890;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair appKey = TestCertificates.rsa();
    private final TestCertificates certificates = new TestCertificates();
    private TestGitHubTokenEndpoint github;
    private TestGit repo;
    private TestGitHttpsServer server;
    private TestCluster cluster;
    private GitCredentials credentials;
    private final RemoteHeads remote = new RemoteHeads(Duration.ofSeconds(20));

    @BeforeEach
    void start() throws Exception {
        github = new TestGitHubTokenEndpoint(appKey.getPublic(), APP_ID, INSTALLATION_ID);
        Path repositories = TestGit.tempDir();
        repo = TestGit.create(repositories, "app-repo");
        server = new TestGitHttpsServer(repositories, certificates,
                (user, password) -> GitHubAppTokens.TOKEN_USER.equals(user) && github.issued(password));
        cluster = new TestCluster();
        credentials = new GitCredentials(cluster.client,
                new GitHubAppTokens(Optional.of(github.apiUrl()), Duration.ofMinutes(5), Duration.ofSeconds(20)),
                "cattle-fleet-system/known-hosts", false);
    }

    @AfterEach
    void stop() {
        server.close();
        github.close();
        cluster.close();
        repo.close();
    }

    @Test
    void anInstallationTokenIsMintedWithASignedJwtAndCachedAcrossPolls() throws Exception {
        cluster.secret("github-app", "Opaque", appSecret(pkcs1Pem(appKey)));
        GitRepo gitRepo = gitRepo();

        assertEquals(repo.head(), head(gitRepo));
        assertEquals(repo.head(), head(gitRepo));

        assertEquals(1, github.mints(), "one token for two polls");
        String jwt = github.jwts().get(0);
        String[] parts = jwt.split("\\.");
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initVerify(appKey.getPublic());
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(signature.verify(Base64.getUrlDecoder().decode(parts[2])), "signed by the app's key");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("RS256", header.path("alg").asText());
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals(String.valueOf(APP_ID), claims.path("iss").asText());
        long now = Instant.now().getEpochSecond();
        long iat = claims.path("iat").asLong();
        long exp = claims.path("exp").asLong();
        assertTrue(iat <= now && iat >= now - 120, "issued just before now (clock skew): " + iat);
        assertTrue(exp > now && exp - iat <= 600, "valid now, for at most GitHub's ten minutes: " + exp);
    }

    @Test
    void aTokenNearItsExpiryIsMintedAgain() throws Exception {
        github.tokenLife = Duration.ofMinutes(2); // inside the 5-minute refresh margin
        cluster.secret("github-app", "Opaque", appSecret(pkcs1Pem(appKey)));
        GitRepo gitRepo = gitRepo();

        assertEquals(repo.head(), head(gitRepo));
        assertEquals(repo.head(), head(gitRepo));

        assertEquals(2, github.mints());
    }

    @Test
    void aJwtSignedByAnotherKeyIsRefusedByGitHubAndTheErrorShowsNoKey() {
        String otherKey = pkcs1Pem(TestCertificates.rsa());
        cluster.secret("github-app", "Opaque", appSecret(otherKey));
        var e = assertThrows(CredentialsException.class, () -> head(gitRepo()));
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("fleet-local/github-app"), e.getMessage());
        assertFalse(e.getMessage().contains(otherKey.substring(40, 80)), e.getMessage());
        assertEquals(0, github.mints());
        // The next polls of that app fail at once with the same answer, without asking GitHub again each time.
        int asked = github.requests();
        var again = assertThrows(CredentialsException.class, () -> head(gitRepo()));
        assertTrue(again.getMessage().contains("HTTP 401"), again.getMessage());
        assertEquals(asked, github.requests());
    }

    @Test
    void theApiIsFleetsApiHostOfTheRepoUnlessConfigured() {
        var tokens = new GitHubAppTokens(Optional.empty(), Duration.ofMinutes(5), Duration.ofSeconds(5));
        assertEquals("https://api.github.com", tokens.apiBase("https://github.com/acme/app.git"));
        assertEquals("https://api.acme.ghe.com", tokens.apiBase("https://acme.ghe.com/acme/app"));
        assertEquals("https://api.example.com", tokens.apiBase("https://api.example.com/acme/app"));
        assertThrows(CredentialsException.class, () -> tokens.apiBase("git@github.com:acme/app.git"));
        var enterprise = new GitHubAppTokens(Optional.of("https://ghe.example.com/api/v3/"), Duration.ofMinutes(5),
                Duration.ofSeconds(5));
        assertEquals("https://ghe.example.com/api/v3", enterprise.apiBase("https://ghe.example.com/acme/app"));
    }

    private String head(GitRepo gitRepo) throws Exception {
        RepoSpec spec = new RepoSpec(gitRepo.getSpec().getRepo(), "main", null, List.of(), null, "github-app", null,
                false, false, false);
        return remote.head(gitRepo, spec, credentials.forGitRepo(gitRepo)).commit();
    }

    private GitRepo gitRepo() {
        return TestCluster.gitRepo("app", server.url("app-repo"), s -> {
            s.setClientSecretName("github-app");
            s.setCaBundle(certificates.caBundle());
        });
    }

    private static Map<String, String> appSecret(String privateKeyPem) {
        return Map.of("github_app_id", String.valueOf(APP_ID), "github_app_installation_id",
                String.valueOf(INSTALLATION_ID), "github_app_private_key", privateKeyPem);
    }

    /** The key as GitHub hands it out: PKCS#1, "RSA PRIVATE KEY". */
    private static String pkcs1Pem(KeyPair keys) {
        try {
            byte[] pkcs1 = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded()).parsePrivateKey()
                    .toASN1Primitive().getEncoded();
            return "-----BEGIN RSA PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs1)
                    + "\n-----END RSA PRIVATE KEY-----\n";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
