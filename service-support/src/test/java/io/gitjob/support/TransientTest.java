package io.gitjob.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.events.MalformedEventException;

class TransientTest {

    @Test
    void anApiServerAwayBusyOrInConflictIsTransient() {
        for (int code : new int[] { 0, 408, 409, 429, 500, 503, 504 }) {
            assertTrue(Transient.is(new KubernetesClientException("x", code, null)), "HTTP " + code);
        }
        assertTrue(Transient.is(new KubernetesClientException("timeout", new SocketTimeoutException("read"))));
        assertTrue(Transient.is(new RuntimeException(new IOException("connection refused"))));
    }

    @Test
    void aBrokerAwayIsTransient() {
        assertTrue(Transient.is(new IllegalStateException(
                new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s): 120000 ms has passed"))));
        assertTrue(Transient.is(new org.apache.kafka.common.errors.NetworkException("broker gone")));
    }

    @Test
    void whatCanNeverWorkIsNotTransient() {
        assertFalse(Transient.is(new KubernetesClientException("forbidden", 403, null)));
        assertFalse(Transient.is(new KubernetesClientException("invalid", 422, null)));
        assertFalse(Transient.is(new MalformedEventException("not JSON")));
        assertFalse(Transient.is(new IllegalArgumentException("bad spec")));
        assertFalse(Transient.is(new org.apache.kafka.common.errors.RecordTooLargeException("2 MiB")));
    }
}
