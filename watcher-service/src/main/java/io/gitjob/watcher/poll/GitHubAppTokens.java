package io.gitjob.watcher.poll;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gitjob.events.UrlCredentials;
import io.gitjob.watcher.poll.GitCredentials.CredentialsException;
import io.gitjob.gitrepo.GitCredentialKind;

/**
 * Installation tokens of GitHub Apps, minted as Fleet's gitjob mints them (an RS256 JWT issued by the app id,
 * POSTed to {@code {api}/app/installations/{id}/access_tokens}) and kept until shortly before their
 * {@code expires_at}, so polling every 15 s does not call GitHub's API every 15 s. The API is Fleet's
 * {@code https://api.<repo host>} (github.com and GHE.com), unless {@code gitjob.watcher.github-app.api-url}
 * names another (a GitHub Enterprise Server's {@code https://<host>/api/v3}). Tokens live only in memory.
 */
@ApplicationScoped
public class GitHubAppTokens {

    /** The user name Git hosts expect with an installation token as password. */
    static final String TOKEN_USER = "x-access-token";

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "gitjob.watcher.github-app.api-url")
    Optional<String> apiUrl;

    @ConfigProperty(name = "gitjob.watcher.github-app.token-refresh-before", defaultValue = "5m")
    Duration refreshBefore;

    @ConfigProperty(name = "gitjob.watcher.fetch-timeout", defaultValue = "30s")
    Duration timeout;

    Clock clock = Clock.systemUTC();

    private final Map<String, Token> cache = new ConcurrentHashMap<>();

    public GitHubAppTokens() {
    }

    /** Outside CDI (tests). */
    GitHubAppTokens(Optional<String> apiUrl, Duration refreshBefore, Duration timeout) {
        this.apiUrl = apiUrl;
        this.refreshBefore = refreshBefore;
        this.timeout = timeout;
    }

    private record Token(String value, Instant expiresAt) {
    }

    /**
     * A token for the installation, from the cache while it is valid for longer than the refresh margin.
     *
     * @param secretName {@code namespace/name} of the Secret, for errors
     * @param tls the GitRepo's TLS trust, also used for the API (a GitHub Enterprise with a private CA)
     */
    String token(String repoUrl, String secretName, String appId, String installationId, String privateKeyPem,
            TlsTrust tls) {
        long app = number(secretName, GitCredentialKind.GITHUB_APP_ID, appId);
        long installation = number(secretName, GitCredentialKind.GITHUB_APP_INSTALLATION_ID, installationId);
        String api = apiBase(repoUrl);
        String cacheKey = api + " " + app + " " + installation + " " + fingerprint(privateKeyPem);
        Token cached = cache.get(cacheKey);
        if (fresh(cached)) {
            return cached.value();
        }
        // One mint per installation at a time, the others waiting for its token; never a network call under a
        // lock of the map (that would hold up every app whose key shares the bin), and a failure is remembered
        // briefly, so polls of an app whose API is down fail at once instead of each waiting out the timeouts.
        synchronized (locks.computeIfAbsent(cacheKey, k -> new Object())) {
            cached = cache.get(cacheKey);
            if (fresh(cached)) {
                return cached.value();
            }
            Failure failed = failures.get(cacheKey);
            if (failed != null && clock.instant().isBefore(failed.until())) {
                throw new CredentialsException(failed.message() + " (not asked again until " + failed.until() + ")");
            }
            try {
                Token token = mint(api, secretName, app, installation, privateKey(secretName, privateKeyPem), tls);
                cache.put(cacheKey, token);
                failures.remove(cacheKey);
                return token.value();
            } catch (CredentialsException e) {
                failures.put(cacheKey, new Failure(e.getMessage(), clock.instant().plus(FAILURE_MEMORY)));
                throw e;
            }
        }
    }

    private boolean fresh(Token token) {
        return token != null && clock.instant().plus(refreshBefore).isBefore(token.expiresAt());
    }

    /** How long a failed mint answers for the next ones: about one polling interval. */
    private static final Duration FAILURE_MEMORY = Duration.ofSeconds(15);

    private record Failure(String message, Instant until) {
    }

    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    private Token mint(String api, String secretName, long app, long installation, PrivateKey key, TlsTrust tls) {
        String endpoint = api + "/app/installations/" + installation + "/access_tokens";
        String what = "GitHub App token of app " + app + ", installation " + installation + " (Secret " + secretName
                + ") from " + endpoint;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(timeout);
        if (!tls.insecure()) {
            // An insecure GitRepo does not send its app's JWT to an unverified host: JVM CAs then.
            client.sslContext(tls.sslContext());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(timeout)
                .header("Authorization", "Bearer " + jwt(app, key))
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response;
        try {
            response = client.build().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CredentialsException(what + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialsException(what + " was interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = body == null ? "" : body.path("message").asText("");
            throw new CredentialsException(what + " failed: HTTP " + response.statusCode()
                    + (message.isEmpty() ? "" : ": " + UrlCredentials.redact(message)));
        }
        String token = body == null ? "" : body.path("token").asText("");
        if (token.isEmpty()) {
            throw new CredentialsException(what + ": the answer holds no token");
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(body.path("expires_at").asText(""));
        } catch (DateTimeParseException e) {
            // GitHub's tokens last an hour; without a readable expiry, assume the shortest safe life.
            expiresAt = clock.instant().plus(refreshBefore).plusSeconds(60);
        }
        return new Token(token, expiresAt);
    }

    /** The app's JWT as GitHub asks for it: RS256, issued 30 s in the past (clock skew), valid two minutes. */
    String jwt(long appId, PrivateKey key) {
        Instant issued = clock.instant().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        String header = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims = base64Url("{\"iat\":" + issued.getEpochSecond() + ",\"exp\":"
                + issued.plus(Duration.ofMinutes(2)).getEpochSecond() + ",\"iss\":\"" + appId + "\"}");
        String signed = header + "." + claims;
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the GitHub App JWT of app " + appId, e);
        }
    }

    /** Fleet's rule: {@code https://api.<host>} for a repo on {@code <host>}, the host itself if it is api.*. */
    String apiBase(String repoUrl) {
        if (apiUrl.isPresent() && !apiUrl.get().isBlank()) {
            String url = apiUrl.get().trim();
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        URI uri;
        try {
            uri = URI.create(repoUrl);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getRawAuthority() == null || !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new CredentialsException("GitHub App credentials need an https:// repo URL, not "
                    + UrlCredentials.redact(repoUrl));
        }
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        return host.startsWith("api.") ? "https://" + host : "https://api." + host;
    }

    private static PrivateKey privateKey(String secretName, String pem) {
        for (KeyPair pair : SshAuth.keyPairs(secretName, GitCredentialKind.GITHUB_APP_PRIVATE_KEY, pem)) {
            if (pair.getPrivate() instanceof RSAPrivateKey rsa) {
                return rsa;
            }
        }
        throw new CredentialsException("secret " + secretName + ": " + GitCredentialKind.GITHUB_APP_PRIVATE_KEY
                + " is not an RSA private key (GitHub Apps sign with RSA)");
    }

    private static long number(String secretName, String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new CredentialsException("secret " + secretName + ": " + key + " is not a number");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String fingerprint(String pem) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(pem.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
