package io.gitjob.watcher.poll;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for GitHub's {@code POST /app/installations/{id}/access_tokens}: it answers, as GitHub does, only a
 * request whose bearer is an RS256 JWT signed by the app's key (the public half is given to it), issued by the app
 * id and valid now for at most ten minutes; it hands out a new token each time, valid for {@link #tokenLife}.
 */
final class TestGitHubTokenEndpoint implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final PublicKey appKey;
    private final long appId;
    private final long installationId;
    private final List<String> jwts = new CopyOnWriteArrayList<>();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicInteger mints = new AtomicInteger();
    volatile Duration tokenLife = Duration.ofHours(1);

    TestGitHubTokenEndpoint(PublicKey appKey, long appId, long installationId) throws IOException {
        this.appKey = appKey;
        this.appId = appId;
        this.installationId = installationId;
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/app/installations/", this::handle);
        server.start();
    }

    /** What {@code gitjob.watcher.github-app.api-url} points at. */
    String apiUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    int mints() {
        return mints.get();
    }

    List<String> jwts() {
        return List.copyOf(jwts);
    }

    boolean issued(String token) {
        return issued.contains(token);
    }

    /** Every request that reached the endpoint, refused ones included. */
    int requests() {
        return requests.get();
    }

    private final AtomicInteger requests = new AtomicInteger();

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            String expectedPath = "/app/installations/" + installationId + "/access_tokens";
            if (!"POST".equals(exchange.getRequestMethod()) || !expectedPath.equals(exchange.getRequestURI().getPath())) {
                answer(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String problem = authorization == null || !authorization.startsWith("Bearer ") ? "no bearer"
                    : check(authorization.substring(7));
            if (problem != null) {
                answer(exchange, 401, "{\"message\":\"" + problem + "\"}");
                return;
            }
            jwts.add(authorization.substring(7));
            String token = "ghs_test" + mints.incrementAndGet() + "_" + System.nanoTime();
            issued.add(token);
            answer(exchange, 201, "{\"token\":\"" + token + "\",\"expires_at\":\"" + Instant.now().plus(tokenLife)
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\",\"permissions\":{\"contents\":\"read\"}}");
        }
    }

    /** Null when the JWT is one GitHub takes, else why not. */
    private String check(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            if (parts.length != 3) {
                return "not a JWT";
            }
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return "not RS256";
            }
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(appKey);
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "A JSON web token could not be decoded";
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long now = Instant.now().getEpochSecond();
            long iat = claims.path("iat").asLong(-1);
            long exp = claims.path("exp").asLong(-1);
            if (!String.valueOf(appId).equals(claims.path("iss").asText())) {
                return "wrong issuer";
            }
            if (iat > now || exp <= now || exp - iat > 600) {
                return "'Expiration time' claim ('exp') is too far in the future or not valid now";
            }
            return null;
        } catch (Exception e) {
            return "A JSON web token could not be decoded";
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
