package io.gitjob.support;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The Secrets and ConfigMaps a service reads but does not own (the watcher: Git credentials, CA bundles, known
 * hosts, webhook secrets; job-service: the Secrets a Job's shape depends on), kept for
 * {@code gitjob.read-cache-ttl}, a missing one too. A poll reads up to four of them (the GitRepo's Secret or
 * {@code gitcredential}, Rancher's two CA Secrets, the known-hosts ConfigMap), and each Job up to three: read from
 * the API every time, 10,000 GitRepos polled every 15 s would cost the API server thousands of GETs a second, where
 * one GET per object per period is enough to follow a rotation. Not an informer: that would mean list and watch on
 * every Secret of the cluster, and hold them all. An API error is not kept: the next read asks again.
 */
@ApplicationScoped
public class ClusterReads {

    /** Expired entries are dropped every this many reads from the API, so Secrets no GitRepo names any more go. */
    private static final int PURGE_EVERY = 1024;

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "gitjob.read-cache-ttl", defaultValue = "1m")
    Duration ttl;

    Clock clock = Clock.systemUTC();

    private record Cached(Object value, Instant until) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();

    public ClusterReads() {
    }

    /** Outside CDI (tests). */
    public ClusterReads(KubernetesClient client, Duration ttl) {
        this.client = client;
        this.ttl = ttl;
    }

    public Optional<Secret> secret(String namespace, String name) {
        return read("Secret", namespace, name, () -> client.secrets().inNamespace(namespace).withName(name).get(),
                Secret.class);
    }

    /** A Secret's values, decoded ({@code stringData}, which a stand-in may hand back, over {@code data}). */
    public static Map<String, String> values(Secret secret) {
        Map<String, String> values = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> values.put(k,
                    new String(Base64.getDecoder().decode(v == null ? "" : v.trim()), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }

    public Optional<ConfigMap> configMap(String namespace, String name) {
        return read("ConfigMap", namespace, name,
                () -> client.configMaps().inNamespace(namespace).withName(name).get(), ConfigMap.class);
    }

    private <T> Optional<T> read(String kind, String namespace, String name, Supplier<T> get, Class<T> type) {
        String key = kind + "/" + namespace + "/" + name;
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return Optional.ofNullable(type.cast(cached.value()));
        }
        T value = get.get();
        if (!ttl.isZero() && !ttl.isNegative()) {
            cache.put(key, new Cached(value, now.plus(ttl)));
        }
        if (reads.incrementAndGet() % PURGE_EVERY == 0) {
            cache.values().removeIf(c -> !now.isBefore(c.until()));
        }
        return Optional.ofNullable(value);
    }
}
