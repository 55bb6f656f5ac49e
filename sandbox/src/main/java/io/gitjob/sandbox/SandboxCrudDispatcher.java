package io.gitjob.sandbox;

import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Fabric8's CRUD dispatcher (the mock API server's storage) with what the sandbox's API needs on top:
 * <ul>
 * <li>the discovery documents kubectl reads ({@link Discovery});</li>
 * <li><b>Fleet's GitRepo status schema</b> ({@link FleetStatusSchema}), when on: every write that stores a GitRepo
 * (create, update or patch, of the resource or of {@code /status}) stores it pruned, and answers with what was
 * stored, as an API server with Fleet's CRD does. The pruning is done where the mock stores the object
 * ({@link #processEvent}), after it applied a patch, so JSON patches, merge patches and whole objects are pruned
 * alike; a write whose only change was pruned stores nothing and keeps the resourceVersion (no watch event), as
 * an API server does with a write that changes nothing;</li>
 * <li>a record of every Job created ({@link JobCreations});</li>
 * <li>a count of the sandbox's own clients' requests ({@link RequestCounts}), beside the front's of the rest;</li>
 * <li>{@code GET /_objects}: every object it stores, of every kind, as one JSON array (what a test searches when it
 * must look at the whole cluster, not only the kinds it thought of).</li>
 * </ul>
 * Deletion is Fabric8's own and already as an API server's: an object with {@code metadata.finalizers} is not
 * removed but gets a {@code deletionTimestamp}, and goes when an update or patch removes its last finalizer
 * ({@code ApiFrontTest} holds the mock to that).
 */
final class SandboxCrudDispatcher extends KubernetesCrudDispatcher {

    private final boolean fleetStatusSchema;
    private final boolean fleetInstalled;
    private final JobCreations jobCreations;
    private final RequestCounts requests;
    /** What the write in hand on this thread stored, when it differs from what the mock would answer. */
    private final ThreadLocal<String> stored = new ThreadLocal<>();

    SandboxCrudDispatcher(boolean fleetStatusSchema, JobCreations jobCreations) {
        this(fleetStatusSchema, true, jobCreations);
    }

    SandboxCrudDispatcher(boolean fleetStatusSchema, boolean fleetInstalled, JobCreations jobCreations) {
        this(fleetStatusSchema, fleetInstalled, jobCreations, new RequestCounts());
    }

    /**
     * Counting in {@code requests} the requests of the sandbox's own clients
     * ({@link RequestCounts#SANDBOX_AGENT_PREFIX}), which come here directly; the front counts what it forwards.
     */
    SandboxCrudDispatcher(boolean fleetStatusSchema, boolean fleetInstalled, JobCreations jobCreations,
            RequestCounts requests) {
        this.requests = requests;
        this.fleetStatusSchema = fleetStatusSchema;
        this.fleetInstalled = fleetInstalled;
        this.jobCreations = jobCreations;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String agent = request.getHeader("User-Agent");
        if (agent != null && agent.startsWith(RequestCounts.SANDBOX_AGENT_PREFIX)) {
            requests.count(agent, ApiRequest.of(request.getMethod(), path));
        }
        Optional<String> document = "GET".equals(request.getMethod())
                ? Discovery.document(query < 0 ? path : path.substring(0, query), fleetInstalled)
                : Optional.empty();
        if (document.isPresent()) {
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody(document.get());
        }
        if ("GET".equals(request.getMethod()) && OBJECTS_PATH.equals(path)) {
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody("[" + String.join(",", storedObjects()) + "]");
        }
        return super.dispatch(request);
    }

    static final String OBJECTS_PATH = "/_objects";

    /** A copy of the store's objects; the store changes under concurrent writes, so a torn copy is taken again. */
    private java.util.List<String> storedObjects() {
        for (int attempt = 1;; attempt++) {
            try {
                return new java.util.ArrayList<>(map.values());
            } catch (java.util.ConcurrentModificationException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        return answeringWhatWasStored(() -> super.handleCreate(request));
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        return answeringWhatWasStored(() -> super.handleUpdate(request));
    }

    /**
     * A JSON patch whose {@code test} operation fails (an optimistic lock on {@code metadata.resourceVersion}, say)
     * is answered 422 with a Status, as an API server answers it; the mock itself throws, and the request would get
     * no answer at all until the client's timeout.
     */
    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        try {
            return answeringWhatWasStored(() -> super.handlePatch(request));
        } catch (RuntimeException e) {
            if (!e.getClass().getName().startsWith("io.fabric8.zjsonpatch.")) {
                throw e;
            }
            return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
                    .setBody(Serialization.asJson(new io.fabric8.kubernetes.api.model.StatusBuilder()
                            .withStatus("Failure").withReason("Invalid").withCode(422)
                            .withMessage("the server rejected our request due to an error in our request: "
                                    + e.getMessage())
                            .build()));
        }
    }

    private MockResponse answeringWhatWasStored(Supplier<MockResponse> write) {
        stored.remove();
        try {
            MockResponse response = write.get();
            String body = stored.get();
            if (body != null && response.code() / 100 == 2) {
                response.setBody(body);
            }
            return response;
        } finally {
            stored.remove();
        }
    }

    /** Every write of the mock ends here, under its write lock, with the object as it is about to be stored. */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
            GenericKubernetesResource resource, String newState) {
        if (fleetStatusSchema && newState != null && FleetStatusSchema.isGitRepoPath(path)) {
            JsonNode object = parse(newState);
            if (FleetStatusSchema.prune(object)) {
                String existing = oldAttributes == null ? null : map.get(oldAttributes);
                newState = existing != null && sameButResourceVersion(parse(existing), object) ? existing
                        : Serialization.asJson(object);
                if (resource != null) {
                    resource = Serialization.unmarshal(newState, GenericKubernetesResource.class);
                }
                stored.set(newState);
            }
        }
        if (oldAttributes == null && newState != null && isJob(path)) {
            jobCreations.record(resource != null ? resource
                    : Serialization.unmarshal(newState, GenericKubernetesResource.class));
        }
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    }

    private static boolean isJob(String path) {
        ApiRequest request = ApiRequest.of("POST", path);
        return "batch".equals(request.group()) && "jobs".equals(request.resource());
    }

    private static boolean sameButResourceVersion(JsonNode existing, JsonNode updated) {
        JsonNode candidate = updated.deepCopy();
        if (candidate.get("metadata") instanceof ObjectNode metadata) {
            metadata.set("resourceVersion", existing.path("metadata").path("resourceVersion"));
        }
        return candidate.equals(existing);
    }

    private static JsonNode parse(String json) {
        try {
            return Serialization.jsonMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the mock stored JSON it cannot read back", e);
        }
    }
}
