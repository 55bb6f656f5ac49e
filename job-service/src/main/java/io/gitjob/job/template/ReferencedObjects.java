package io.gitjob.job.template;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.gitjob.support.ClusterReads;

/**
 * The objects a Job's shape depends on but gitjob does not own: the Secrets a GitRepo names (their type and which
 * keys they hold decide the clone's flags, as in Fleet) and Fleet's known-hosts ConfigMap. An interface so that the
 * factories stay pure and tests hand in plain maps.
 */
public interface ReferencedObjects {

    /** A Secret in the GitRepo's namespace. */
    Optional<Secret> secret(String name);

    Optional<ConfigMap> configMap(String namespace, String name);

    /**
     * Read from the cluster through {@link ClusterReads} (each object at most once per {@code gitjob.read-cache-ttl},
     * so a rotated Secret shapes the Jobs made after that long), the Secrets in {@code namespace} (the GitRepo's).
     */
    static ReferencedObjects in(ClusterReads reads, String namespace) {
        return new ReferencedObjects() {
            @Override
            public Optional<Secret> secret(String name) {
                return reads.secret(namespace, name);
            }

            @Override
            public Optional<ConfigMap> configMap(String ns, String name) {
                return reads.configMap(ns, name);
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
