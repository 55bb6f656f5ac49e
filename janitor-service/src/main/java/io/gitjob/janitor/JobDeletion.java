package io.gitjob.janitor;

import java.net.HttpURLConnection;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Deletes one listed Job, and only that one: the request carries the uid it was listed with as a precondition,
 * so a Job deleted and re-created under the same name meanwhile (by job-service, or a person) is left alone;
 * the API server answers 409 then. Background propagation, so its Pods go too.
 *
 * <p>
 * Fabric8 7.6's resource DSL sends a {@code resourceVersion} precondition at most ({@code lockResourceVersion}),
 * never a uid, so this sends the {@code DeleteOptions} body itself on the Job's path through the client's
 * {@code raw} call, which keeps the client's authentication, timeouts and retries.
 */
final class JobDeletion {

    /** What became of the Job. */
    enum Outcome {
        DELETED,
        /** 404: someone else deleted it first. */
        ALREADY_GONE,
        /** 409: the name now belongs to another Job (another uid); the one listed is gone. */
        REPLACED
    }

    private final KubernetesClient client;

    JobDeletion(KubernetesClient client) {
        this.client = client;
    }

    /** @throws KubernetesClientException for any other answer (403, 5xx, a timeout) */
    Outcome delete(JobFacts job) {
        try {
            client.raw(path(job), "DELETE", options(job.uid()));
            return Outcome.DELETED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return Outcome.ALREADY_GONE;
            }
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return Outcome.REPLACED;
            }
            throw e;
        }
    }

    static String path(JobFacts job) {
        // Namespaces and Job names are DNS labels and subdomains: nothing in them needs escaping in a path.
        return "/apis/batch/v1/namespaces/" + job.namespace() + "/jobs/" + job.name();
    }

    static DeleteOptions options(String uid) {
        return new DeleteOptionsBuilder().withNewPreconditions().withUid(uid).endPreconditions()
                .withPropagationPolicy(DeletionPropagation.BACKGROUND.toString()).build();
    }
}
