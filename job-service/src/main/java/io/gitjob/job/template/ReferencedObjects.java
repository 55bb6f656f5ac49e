package io.gitjob.job.template;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The objects a Job's shape depends on but gitjob does not own: the Secrets a GitRepo names (their type and which
 * keys they hold decide the clone's flags, as in Fleet) and Fleet's known-hosts ConfigMap. An interface so that the
 * factories stay pure and tests hand in plain maps.
 */
public interface ReferencedObjects {

    /** A Secret in the GitRepo's namespace. */
    Optional<Secret> secret(String name);

    Optional<ConfigMap> configMap(String namespace, String name);

    /** Read from the cluster, the Secrets in {@code namespace} (the GitRepo's). */
    static ReferencedObjects in(KubernetesClient client, String namespace) {
        return new ReferencedObjects() {
            @Override
            public Optional<Secret> secret(String name) {
                return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
            }

            @Override
            public Optional<ConfigMap> configMap(String ns, String name) {
                return Optional.ofNullable(client.configMaps().inNamespace(ns).withName(name).get());
            }
        };
    }

    /** Fixed objects: Secrets by name, ConfigMaps by {@code namespace/name}. */
    static ReferencedObjects of(Map<String, Secret> secrets, Map<String, ConfigMap> configMaps) {
        return new ReferencedObjects() {
            @Override
            public Optional<Secret> secret(String name) {
                return Optional.ofNullable(secrets.get(name));
            }

            @Override
            public Optional<ConfigMap> configMap(String namespace, String name) {
                return Optional.ofNullable(configMaps.get(namespace + "/" + name));
            }
        };
    }

    static ReferencedObjects none() {
        return of(Map.of(), Map.of());
    }
}
