package io.gitjob.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A service's one {@link KubernetesEventRecorder}, made only where a bean asks for it (the watcher and
 * job-service), named as configured; its pending counts are written on stop.
 */
@ApplicationScoped
public class KubernetesEventRecorderProducer {

    @ConfigProperty(name = "gitjob.events.reporting-controller", defaultValue = "gitjob")
    String reportingController;

    /** The pod's name in a cluster (Kubernetes sets HOSTNAME to it), as Fleet's controllers report it. */
    @ConfigProperty(name = "gitjob.events.reporting-instance", defaultValue = "${quarkus.application.name}")
    String reportingInstance;

    @Produces
    @ApplicationScoped
    KubernetesEventRecorder recorder(KubernetesClient client) {
        return new KubernetesEventRecorder(client, reportingController, reportingInstance);
    }

    void close(@Disposes KubernetesEventRecorder recorder) {
        recorder.close();
    }
}
