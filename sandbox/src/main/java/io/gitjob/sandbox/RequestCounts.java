package io.gitjob.sandbox;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every API request, counted by the client that sent it, its verb and its resource ({@code "create jobs"},
 * {@code "patch gitrepos/status"}): what a cluster's API server pays for each gitjob service, measured rather than
 * estimated. The client is named by its {@code User-Agent}: the sandbox starts each service with
 * {@code kubernetes.user.agent=gitjob-<process name>}, and its own parts use {@code gitjob-sandbox-*}; any other
 * client (kubectl, a plain Fabric8 client) goes under the product before the first {@code /}. A watch counts once,
 * when it is opened, not per event.
 */
final class RequestCounts {

    /** The User-Agent prefix of the sandbox's own clients, which talk to the mock directly, not through the front. */
    static final String SANDBOX_AGENT_PREFIX = "gitjob-sandbox";
    static final String UNKNOWN = "unknown";

    private final Map<String, Map<String, LongAdder>> byClient = new ConcurrentHashMap<>();

    void count(String userAgent, ApiRequest request) {
        byClient.computeIfAbsent(client(userAgent), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(request.verb() + " " + request.resource(), k -> new LongAdder()).increment();
    }

    /** Client -> "verb resource" -> requests so far, sorted for people reading the JSON. */
    Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        byClient.forEach((client, counts) -> {
            Map<String, Long> c = new TreeMap<>();
            counts.forEach((k, v) -> c.put(k, v.sum()));
            copy.put(client, c);
        });
        return copy;
    }

    void reset() {
        byClient.clear();
    }

    static String client(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return UNKNOWN;
        }
        String agent = userAgent.trim();
        if (agent.startsWith("gitjob-")) {
            return agent;
        }
        int slash = agent.indexOf('/');
        return slash > 0 ? agent.substring(0, slash) : agent;
    }
}
