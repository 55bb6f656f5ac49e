package io.gitjob.deploy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * An overlay's rendered manifests, each loaded into its typed model: Fabric8's for Kubernetes kinds,
 * Strimzi's {@code io.strimzi:api} for Strimzi kinds. KEDA's and the Prometheus operator's kinds have no
 * model on the classpath and stay {@link GenericKubernetesResource}s.
 */
final class Manifests {

    static final String STRIMZI_API = "kafka.strimzi.io/v1";
    private static final Map<String, Class<? extends HasMetadata>> STRIMZI = Map.of(
            "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class,
            "KafkaUser", KafkaUser.class);
    /** API groups whose kinds must load into a typed Fabric8 model, never a generic one. */
    private static final Set<String> KUBERNETES_GROUPS = Set.of("v1", "apps/v1", "batch/v1", "policy/v1",
            "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    final String overlay;
    final List<Map<String, Object>> raw;
    final List<HasMetadata> typed = new ArrayList<>();

    Manifests(String overlay, List<Map<String, Object>> raw) {
        this.overlay = overlay;
        this.raw = raw;
        for (Map<String, Object> doc : raw) {
            String apiVersion = (String) doc.get("apiVersion");
            String kind = (String) doc.get("kind");
            HasMetadata resource;
            if (apiVersion.startsWith("kafka.strimzi.io/")) {
                if (!STRIMZI.containsKey(kind) || !STRIMZI_API.equals(apiVersion)) {
                    throw new AssertionError(overlay + ": unexpected Strimzi resource " + apiVersion + " " + kind);
                }
                resource = SERIALIZATION.convertValue(doc, STRIMZI.get(kind));
            } else {
                resource = SERIALIZATION.unmarshal(SERIALIZATION.asJson(doc));
                if (KUBERNETES_GROUPS.contains(apiVersion) && resource instanceof GenericKubernetesResource) {
                    throw new AssertionError(overlay + ": " + apiVersion + " " + kind + " has no typed model");
                }
            }
            typed.add(resource);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return typed.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(overlay + ": expected one " + type.getSimpleName() + " " + name + ", found "
                    + found.size());
        }
        return found.get(0);
    }

    List<GenericKubernetesResource> generic(String kind) {
        return typed.stream().filter(r -> r instanceof GenericKubernetesResource && kind.equals(r.getKind()))
                .map(GenericKubernetesResource.class::cast).toList();
    }

    /**
     * Paths of fields the typed models did not know: a misspelt field ({@code readinesProbe}) would load
     * without error into {@code additionalProperties} and be ignored by the API server or the operator.
     */
    List<String> unknownFields() {
        List<String> unknown = new ArrayList<>();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        for (HasMetadata r : typed) {
            if (!(r instanceof GenericKubernetesResource)) {
                walk(r, r.getKind() + "/" + r.getMetadata().getName(), unknown, seen);
            }
        }
        return unknown;
    }

    private static void walk(Object o, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method method : o.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !method.getName().startsWith("get") || method.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = method.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String field = path + "." + Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4);
            if (method.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
            } else if (!(value instanceof GenericKubernetesResource)) {
                walk(value, field, unknown, seen);
            }
        }
    }

    static Stream<String> overlays() {
        return Stream.of("dev", "production");
    }
}
