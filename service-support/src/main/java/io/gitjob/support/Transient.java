package io.gitjob.support;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.errors.RetriableException;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Tells a transient failure (the API server or the broker away, busy or in conflict: retry later and it will
 * work) from a permanent one (the input can never be processed). Only a permanent failure may send a record to
 * the dead letters; a transient one is retried with backoff.
 */
public final class Transient {

    private Transient() {
    }

    public static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                int code = k.getCode();
                // 0: no answer at all (connection refused, timeout); 409: another writer got there first.
                if (code == 0 || code == 408 || code == 409 || code == 429 || code >= 500) {
                    return true;
                }
            }
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof RetriableException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof InterruptedException) {
                return true;
            }
            // SmallRye's emitter wraps the producer's failure; the broker being away is the usual cause.
            if (t.getClass().getName().startsWith("org.apache.kafka.")) {
                return !(t instanceof org.apache.kafka.common.errors.RecordTooLargeException
                        || t instanceof org.apache.kafka.common.errors.SerializationException
                        || t instanceof org.apache.kafka.common.errors.InvalidTopicException);
            }
        }
        return false;
    }

    /** A one-line description for logs: the class and message of the error and of its root cause. */
    public static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // Logged and put in dead letters: an API server's or Git's message may repeat a URL with its credentials.
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        return io.gitjob.events.UrlCredentials.redact(root == error ? text
                : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
    }
}
