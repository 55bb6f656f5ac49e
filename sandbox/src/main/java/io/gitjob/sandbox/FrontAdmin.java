package io.gitjob.sandbox;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * The front's own endpoints, beside the Kubernetes API (which has no path starting with {@code /_}):
 * <ul>
 * <li>{@code GET /_faults}: the plan ({@code seed}, {@code rules}), {@code frozen}, the faults {@code injected}
 * per kind and the {@code requests} seen per verb and resource;</li>
 * <li>{@code PUT /_faults} (or {@code POST}) with {@code {"seed": 42, "rules": [FaultRule...]}}: a new plan,
 * its draws starting again from the seed; {@code DELETE /_faults}: no more rules;</li>
 * <li>{@code POST /_faults/freeze}, {@code POST /_faults/thaw}: hold every request and watch event, and let
 * them go;</li>
 * <li>{@code GET /_created}: every Job the API server created ({@link JobCreations.Created}), oldest first;</li>
 * <li>{@code GET /_requests}: the API requests so far per client, then per {@code "verb resource"}
 * ({@link RequestCounts}); {@code DELETE /_requests}: start counting again from zero.</li>
 * </ul>
 * None of these is ever faulted or frozen.
 */
final class FrontAdmin {

    static final String FAULTS = "/_faults";
    static final String CREATED = "/_created";
    static final String REQUESTS = "/_requests";

    /** A new fault plan, as {@code PUT /_faults} takes it. */
    record Plan(long seed, List<FaultRule> rules) {
        Plan {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final FaultInjector faults;
    private final JobCreations jobCreations;
    private final RequestCounts requests;

    FrontAdmin(FaultInjector faults, JobCreations jobCreations, RequestCounts requests) {
        this.faults = faults;
        this.jobCreations = jobCreations;
        this.requests = requests;
    }

    static boolean handles(String path) {
        return path.equals(FAULTS) || path.startsWith(FAULTS + "/") || path.equals(CREATED) || path.equals(REQUESTS);
    }

    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        byte[] body = exchange.getRequestBody().readAllBytes();
        switch (method + " " + path) {
            case "GET " + FAULTS -> answer(exchange, state());
            case "PUT " + FAULTS, "POST " + FAULTS -> {
                Plan plan;
                try {
                    plan = json.readValue(body, Plan.class);
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    ApiFront.sendStatus(exchange, 400, "BadRequest", "not a fault plan: " + e.getMessage());
                    return;
                }
                faults.plan(plan.seed(), plan.rules());
                answer(exchange, state());
            }
            case "DELETE " + FAULTS -> {
                faults.plan(faults.seed(), List.of());
                answer(exchange, state());
            }
            case "POST " + FAULTS + "/freeze" -> {
                faults.freeze();
                answer(exchange, state());
            }
            case "POST " + FAULTS + "/thaw" -> {
                faults.thaw();
                answer(exchange, state());
            }
            case "GET " + CREATED -> answer(exchange, jobCreations.all());
            case "GET " + REQUESTS -> answer(exchange, requests.snapshot());
            case "DELETE " + REQUESTS -> {
                requests.reset();
                answer(exchange, requests.snapshot());
            }
            default -> ApiFront.sendStatus(exchange, 404, "NotFound", method + " " + path + ": the front serves "
                    + "GET/PUT/DELETE " + FAULTS + ", POST " + FAULTS + "/freeze|thaw, GET " + CREATED + ", GET/DELETE "
                    + REQUESTS);
        }
    }

    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("seed", faults.seed());
        state.put("rules", faults.rules());
        state.put("frozen", faults.frozen());
        state.put("injected", faults.injected());
        state.put("requests", faults.requests());
        return state;
    }

    private void answer(HttpExchange exchange, Object value) throws IOException {
        byte[] body = json.writeValueAsBytes(value);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }
}
