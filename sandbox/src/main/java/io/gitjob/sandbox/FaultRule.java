package io.gitjob.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One kind of fault the sandbox's API front injects ({@link FaultInjector}): a share of the requests that match
 * (every request when {@code verbs} and {@code resources} are empty) is answered
 * <ul>
 * <li>{@code "429"}: Too Many Requests with {@code Retry-After: retryAfterSeconds}, as an API server's priority
 * and fairness does under load;</li>
 * <li>{@code "500"}: Internal Server Error;</li>
 * <li>{@code "hang"}: not at all: held for {@code holdMillis} (longer than the client's request timeout, 10 s for
 * Fabric8), then the connection is dropped. With {@code applied} the request reaches the API server first, so the
 * write happens and only its answer is lost (a create then answers 409 when the client tries again).</li>
 * </ul>
 * {@code resources} are plurals as in RBAC, with the subresource after a slash ({@code gitrepos/status});
 * {@code verbs} as in RBAC ({@link ApiRequest}). The JSON form is the record's fields; omitted ones take their
 * defaults.
 */
public record FaultRule(String kind, double share, List<String> verbs, List<String> resources,
        int retryAfterSeconds, long holdMillis, boolean applied) {

    public static final String TOO_MANY_REQUESTS = "429";
    public static final String SERVER_ERROR = "500";
    public static final String HANG = "hang";
    private static final Set<String> KINDS = Set.of(TOO_MANY_REQUESTS, SERVER_ERROR, HANG);
    /** Past Fabric8's default request timeout (10 s), so the client gives up first. */
    public static final long DEFAULT_HOLD_MILLIS = 15_000;

    public FaultRule {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("a fault kind is one of " + KINDS + ", not '" + kind + "'");
        }
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("a share is between 0 and 1, not " + share);
        }
        verbs = verbs == null ? List.of() : List.copyOf(verbs);
        resources = resources == null ? List.of() : List.copyOf(resources);
        retryAfterSeconds = retryAfterSeconds <= 0 ? 1 : retryAfterSeconds;
        holdMillis = holdMillis <= 0 ? DEFAULT_HOLD_MILLIS : holdMillis;
    }

    public static FaultRule tooManyRequests(double share) {
        return new FaultRule(TOO_MANY_REQUESTS, share, List.of(), List.of(), 1, 0, false);
    }

    public static FaultRule serverError(double share) {
        return new FaultRule(SERVER_ERROR, share, List.of(), List.of(), 0, 0, false);
    }

    public static FaultRule hang(double share, Duration hold) {
        return new FaultRule(HANG, share, List.of(), List.of(), 0, hold.toMillis(), false);
    }

    /** The same rule for these verbs only ({@code create}, {@code patch}...). */
    public FaultRule onVerbs(String... only) {
        return new FaultRule(kind, share, List.of(only), resources, retryAfterSeconds, holdMillis, applied);
    }

    /** The same rule for these resources only ({@code jobs}, {@code gitrepos/status}...). */
    public FaultRule onResources(String... only) {
        return new FaultRule(kind, share, verbs, List.of(only), retryAfterSeconds, holdMillis, applied);
    }

    /** A hang whose request reaches the API server before its answer is lost. */
    public FaultRule appliedFirst() {
        return new FaultRule(kind, share, verbs, resources, retryAfterSeconds, holdMillis, true);
    }

    boolean matches(ApiRequest request) {
        return (verbs.isEmpty() || verbs.contains(request.verb()))
                && (resources.isEmpty() || resources.contains(request.resource()));
    }
}
