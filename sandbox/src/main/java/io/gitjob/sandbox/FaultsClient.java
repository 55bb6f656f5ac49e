package io.gitjob.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The client of the API front's fault injection ({@code /_faults}, see {@link FrontAdmin}), for tests and for
 * people at a sandbox ({@code curl} does the same). Faults apply to whatever goes through the front: the services
 * and kubectl, not the sandbox's Job runner nor a test's own client, which talk to the mock directly.
 */
public final class FaultsClient {

    private final URI front;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public FaultsClient(URI front) {
        this.front = front;
    }

    /** From now on, these rules, their draws seeded with {@code seed}. */
    public void plan(long seed, List<FaultRule> rules) {
        call("PUT", FrontAdmin.FAULTS, new FrontAdmin.Plan(seed, rules));
    }

    public void plan(long seed, FaultRule... rules) {
        plan(seed, List.of(rules));
    }

    /** No more rules (a freeze stays until {@link #thaw()}). */
    public void clear() {
        call("DELETE", FrontAdmin.FAULTS, null);
    }

    /** Every request through the front, and every watch event, waits from now on until {@link #thaw()}. */
    public void freeze() {
        call("POST", FrontAdmin.FAULTS + "/freeze", null);
    }

    public void thaw() {
        call("POST", FrontAdmin.FAULTS + "/thaw", null);
    }

    /** Faults injected so far, per kind: {@code 429}, {@code 500}, {@code hang}, {@code frozen} (requests held). */
    public Map<String, Long> injected() {
        return json.convertValue(call("GET", FrontAdmin.FAULTS, null).path("injected"), new TypeReference<>() {
        });
    }

    /** Requests through the front so far, per verb and resource ({@code "create jobs"}). */
    public Map<String, Long> requests() {
        return json.convertValue(call("GET", FrontAdmin.FAULTS, null).path("requests"), new TypeReference<>() {
        });
    }

    /**
     * API requests so far per client ({@code gitjob-job-service}, {@code gitjob-sandbox-job-runner}, ...), then per
     * verb and resource ({@code "create jobs"}); a watch counts once, when opened. See {@link RequestCounts}.
     */
    public Map<String, Map<String, Long>> requestsByClient() {
        return json.convertValue(call("GET", FrontAdmin.REQUESTS, null), new TypeReference<>() {
        });
    }

    /** Counts {@link #requestsByClient()} from zero again. */
    public void resetRequests() {
        call("DELETE", FrontAdmin.REQUESTS, null);
    }

    /** Every Job the API server created, oldest first, whoever created it. */
    public List<JobCreations.Created> jobCreations() {
        return json.convertValue(call("GET", FrontAdmin.CREATED, null), new TypeReference<>() {
        });
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(front.resolve(path)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                    .build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox's API front did not answer " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
