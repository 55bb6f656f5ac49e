package io.gitjob.janitor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Fabric8's mock API server in CRUD mode ignores the body of a DELETE: it deletes whatever carries the name,
 * whatever {@code preconditions.uid} says, where a real API server answers 409 Conflict when the uid differs
 * from the stored object's. This plays that part of a real API server for one Job, and reads the DELETE
 * requests the mock recorded, so a test sees what the janitor asked for.
 */
final class MockApiPreconditions {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** A DELETE the mock received: the path and the DeleteOptions it carried. */
    record Delete(String path, DeleteOptions options) {
        String preconditionUid() {
            return options == null || options.getPreconditions() == null ? null : options.getPreconditions().getUid();
        }
    }

    private MockApiPreconditions() {
    }

    /**
     * The next DELETE of {@code namespace/name} is answered as a real API server would when the stored Job of
     * that name has {@code storedUid}: 409 when the request's uid precondition names another uid, else 200
     * (without deleting it: expectations stand before the CRUD store, which never sees the request).
     */
    static void enforceUid(KubernetesServer server, String namespace, String name, String storedUid) {
        String path = "/apis/batch/v1/namespaces/" + namespace + "/jobs/" + name;
        server.expect().delete().withPath(path).andReply(new ResponseProvider<Object>() {
            private Headers headers = new Headers.Builder().build();

            @Override
            public int getStatusCode(RecordedRequest request) {
                return conflicts(request) ? 409 : 200;
            }

            @Override
            public Object getBody(RecordedRequest request) {
                String uid = new Delete(path, options(request)).preconditionUid();
                if (conflicts(request)) {
                    // The API server's own words for a failed uid precondition.
                    return status(409, "Failure", "Conflict", "Operation cannot be fulfilled on jobs.batch \"" + name
                            + "\": Precondition failed: UID in precondition: " + uid + ", UID in object meta: "
                            + storedUid);
                }
                return status(200, "Success", null, null);
            }

            private boolean conflicts(RecordedRequest request) {
                String uid = new Delete(path, options(request)).preconditionUid();
                return uid != null && !uid.equals(storedUid);
            }

            @Override
            public Headers getHeaders() {
                return headers;
            }

            @Override
            public void setHeaders(Headers headers) {
                this.headers = headers;
            }
        }).once();
    }

    /** Forgets every request recorded so far, so {@link #deletes} sees only what follows. */
    static void forgetRecordedRequests(KubernetesServer server) throws InterruptedException {
        while (server.getKubernetesMockServer().takeRequest(0, TimeUnit.MILLISECONDS) != null) {
            // drained
        }
    }

    /** The DELETE requests recorded since the last call (or {@link #forgetRecordedRequests}), in order. */
    static List<Delete> deletes(KubernetesServer server) throws InterruptedException {
        List<Delete> deletes = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.getKubernetesMockServer().takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            if ("DELETE".equalsIgnoreCase(request.getMethod())) {
                deletes.add(new Delete(request.getPath(), options(request)));
            }
        }
        return deletes;
    }

    private static DeleteOptions options(RecordedRequest request) {
        // getBytes, not getUtf8Body: that one drains the buffer, and the provider and the recorded queue share it.
        String body = request.getBody() == null ? null
                : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
        return body == null || body.isBlank() ? null : SERIALIZATION.unmarshal(body, DeleteOptions.class);
    }

    private static Status status(int code, String status, String reason, String message) {
        return new StatusBuilder().withStatus(status).withCode(code).withReason(reason).withMessage(message).build();
    }
}
