package io.gitjob.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides which API requests the front fails ({@link FaultRule}) and holds every request while the API is frozen.
 * The draws come from one {@link Random} seeded by the plan, one draw per matching rule per request, so the same
 * seed and the same sequence of requests give the same faults. (With several clients at once, the order in which
 * their requests arrive still varies from run to run; the figures of a run are counted in {@link #injected()}.)
 */
final class FaultInjector {

    /** The key of {@link #injected()} counting requests held by a freeze. */
    static final String FROZEN = "frozen";

    private long seed;
    private List<FaultRule> rules = List.of();
    private Random random = new Random(0);
    private boolean frozen;
    private final Object gate = new Object();
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();

    /** Replaces the rules and starts the draws again from {@code seed}. */
    synchronized void plan(long seed, List<FaultRule> rules) {
        this.seed = seed;
        this.rules = List.copyOf(rules);
        this.random = new Random(seed);
    }

    synchronized long seed() {
        return seed;
    }

    synchronized List<FaultRule> rules() {
        return rules;
    }

    /** The fault for this request, if one is drawn; counted as injected. */
    Optional<FaultRule> draw(ApiRequest request) {
        requests.computeIfAbsent(request.verb() + " " + request.resource(), k -> new AtomicLong()).incrementAndGet();
        FaultRule drawn = null;
        synchronized (this) {
            for (FaultRule rule : rules) {
                if (rule.matches(request) && random.nextDouble() < rule.share()) {
                    drawn = rule;
                    break;
                }
            }
        }
        if (drawn != null) {
            count(drawn.kind());
        }
        return Optional.ofNullable(drawn);
    }

    /** From now on every request (and every watch event) waits until {@link #thaw()}. */
    void freeze() {
        synchronized (gate) {
            frozen = true;
        }
    }

    void thaw() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    boolean frozen() {
        synchronized (gate) {
            return frozen;
        }
    }

    /** Returns at once unless frozen; else when thawed. {@code countAsHeld}: a request, counted under "frozen". */
    void awaitThawed(boolean countAsHeld) throws InterruptedException {
        synchronized (gate) {
            if (frozen && countAsHeld) {
                count(FROZEN);
            }
            while (frozen) {
                gate.wait();
            }
        }
    }

    private void count(String kind) {
        injected.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** Faults injected since the front started, per kind ({@code 429}, {@code 500}, {@code hang}, {@code frozen}). */
    Map<String, Long> injected() {
        Map<String, Long> copy = new TreeMap<>();
        injected.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Requests seen since the front started, per verb and resource ({@code "create jobs"}). */
    Map<String, Long> requests() {
        Map<String, Long> copy = new TreeMap<>();
        requests.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
