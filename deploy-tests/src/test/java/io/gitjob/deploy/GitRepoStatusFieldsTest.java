package io.gitjob.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoStatus;

/**
 * gitjob writes a GitRepo's status only in fields of Fleet's GitRepo CRD (design section 5). Fleet's CRD has no
 * preserve-unknown-fields on status, so an API server with it, as every cluster running Fleet has, prunes
 * anything else: a field outside the list is one the code believes it wrote and then never reads back (as the
 * old {@code observedEventTime} replay guard was). Fabric8's mock API server does not prune, so only this test
 * can tell.
 */
class GitRepoStatusFieldsTest {

    /**
     * Fleet's GitRepo status properties, exactly: {@code charts/fleet-crd/templates/crds.yaml} in rancher/fleet,
     * v0.13 to v0.16.1 (read from the v0.16.1 chart). StandaloneGitRepoCrdTest holds deploy/crds to the same list.
     */
    static final Set<String> FLEET_STATUS = Set.of("commit", "conditions", "desiredReadyClusters", "display",
            "gitJobStatus", "lastPollingTriggered", "lastSyncedImageScanTime", "lastWebhookTime",
            "observedGeneration", "perClusterResourceCounts", "pollingCommit", "readyClusters", "resourceCounts",
            "resources", "summary", "updateGeneration", "webhookCommit");

    /** The properties of one of Fleet's status conditions (its genericcondition). */
    static final Set<String> FLEET_CONDITION = Set.of("type", "status", "reason", "message", "lastUpdateTime",
            "lastTransitionTime");

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** What the Fabric8 client writes a status with. */
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void everyStatusFieldTheCodeCanWriteIsOneOfFleets() {
        Set<String> written = jsonProperties(GitRepoStatus.class);

        assertTrue(written.containsAll(Set.of("commit", "pollingCommit", "gitJobStatus", "conditions")),
                "the introspection sees GitRepoStatus's fields: " + written);
        assertEquals(Set.of(), outside(written, FLEET_STATUS),
                "GitRepoStatus fields a real API server with Fleet's CRD prunes");
    }

    @Test
    void everyConditionFieldTheCodeCanWriteIsOneOfFleets() {
        Set<String> written = jsonProperties(GitRepoCondition.class);

        assertTrue(written.containsAll(Set.of("type", "status")), written::toString);
        assertEquals(Set.of(), outside(written, FLEET_CONDITION), "GitRepoCondition fields Fleet's CRD prunes");
    }

    @Test
    void aFullyPopulatedStatusIsWrittenWithExactlyThoseFields() throws IOException {
        // Every setter given a value: the keys the client sends are the properties the checks above saw.
        GitRepoStatus status = populated(GitRepoStatus.class);
        status.setConditions(List.of(populated(GitRepoCondition.class)));

        JsonNode json = MAPPER.readTree(SERIALIZATION.asJson(status));

        assertEquals(jsonProperties(GitRepoStatus.class), names(json));
        assertEquals(jsonProperties(GitRepoCondition.class), names(json.get("conditions").get(0)));
        assertEquals(Set.of(), outside(names(json), FLEET_STATUS));
    }

    @Test
    void everyNestedFieldTheCodeCanWriteIsInFleetsSchema() throws IOException {
        // deploy/crds is Fleet's schema (StandaloneGitRepoCrdTest): a status written with every field set, down
        // to the summary's resources, must fit it wherever it nests, or a Fleet cluster prunes that part.
        JsonNode written = MAPPER.readTree(SERIALIZATION.asJson(populated(GitRepoStatus.class)));
        List<String> outside = new ArrayList<>();
        outsideSchema(written, fleetStatusSchema(), "status", outside);
        assertEquals(List.of(), outside, "status fields a real API server with Fleet's CRD prunes");
    }

    @Test
    void aNestedFieldOutsideFleetsSchemaIsCaught() throws IOException {
        JsonNode written = MAPPER.readTree("{\"display\": {\"state\": \"x\", \"color\": \"red\"},"
                + " \"resources\": [{\"kind\": \"x\", \"shape\": 1}]}");
        List<String> outside = new ArrayList<>();
        outsideSchema(written, fleetStatusSchema(), "status", outside);
        assertEquals(List.of("status.display.color", "status.resources[].shape"), outside);
    }

    static JSONSchemaProps fleetStatusSchema() throws IOException {
        return StandaloneGitRepoCrdTest.crd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
                .getProperties().get("status");
    }

    /** Paths of {@code node} the structural schema has no place for (what the API server would prune). */
    static void outsideSchema(JsonNode node, JSONSchemaProps schema, String path, List<String> outside) {
        if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String at = path + "." + field.getKey();
                JSONSchemaProps property = schema.getProperties() == null ? null
                        : schema.getProperties().get(field.getKey());
                if (property == null && schema.getAdditionalProperties() != null
                        && schema.getAdditionalProperties().getSchema() != null) {
                    property = schema.getAdditionalProperties().getSchema();
                }
                if (property == null) {
                    outside.add(at);
                } else {
                    outsideSchema(field.getValue(), property, at, outside);
                }
            });
        } else if (node.isArray() && schema.getItems() != null && schema.getItems().getSchema() != null) {
            node.forEach(item -> outsideSchema(item, schema.getItems().getSchema(), path + "[]", outside));
        }
    }

    /** A status with a field Fleet's CRD lacks, as GitRepoStatus had before: the check must name it. */
    static class StatusWithObservedEventTime extends GitRepoStatus {
        private String observedEventTime;

        public String getObservedEventTime() {
            return observedEventTime;
        }

        public void setObservedEventTime(String observedEventTime) {
            this.observedEventTime = observedEventTime;
        }
    }

    @Test
    void aFieldOutsideFleetsListIsCaught() throws IOException {
        assertEquals(Set.of("observedEventTime"),
                outside(jsonProperties(StatusWithObservedEventTime.class), FLEET_STATUS));
        StatusWithObservedEventTime status = populated(StatusWithObservedEventTime.class);
        assertEquals(Set.of("observedEventTime"),
                outside(names(MAPPER.readTree(SERIALIZATION.asJson(status))), FLEET_STATUS));
    }

    // ---- how ----

    /**
     * The JSON properties Jackson writes for {@code type}. The any-getter is left out: it hands back, as read,
     * the fields other controllers wrote (Fleet's summary, display...), so a write never drops them.
     */
    static Set<String> jsonProperties(Class<?> type) {
        BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
        Set<String> names = new TreeSet<>();
        for (BeanPropertyDefinition property : bean.findProperties()) {
            if (property.couldSerialize() && !isAnyGetter(property)) {
                names.add(property.getName());
            }
        }
        return names;
    }

    private static boolean isAnyGetter(BeanPropertyDefinition property) {
        return property.getGetter() != null && property.getGetter().hasAnnotation(JsonAnyGetter.class);
    }

    static Set<String> outside(Set<String> fields, Set<String> allowed) {
        Set<String> outside = new TreeSet<>(fields);
        outside.removeAll(allowed);
        return outside;
    }

    static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** An instance of {@code type} with every Jackson property (the any-getter's aside) given a sample value. */
    static <T> T populated(Class<T> type) {
        try {
            T instance = type.getDeclaredConstructor().newInstance();
            BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
            for (BeanPropertyDefinition property : bean.findProperties()) {
                if (isAnyGetter(property)) {
                    continue;
                }
                AnnotatedMethod setter = property.getSetter();
                if (setter == null) {
                    throw new AssertionError(type.getSimpleName() + "." + property.getName()
                            + " has no setter: fill it here by hand");
                }
                Method method = setter.getAnnotated();
                method.setAccessible(true);
                method.invoke(instance, sample(type, property.getName(), method.getGenericParameterTypes()[0]));
            }
            return instance;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object sample(Class<?> owner, String property, Type type) {
        if (type == String.class) {
            return "x";
        }
        if (type == Long.class || type == long.class) {
            return 1L;
        }
        if (type == Integer.class || type == int.class) {
            return 1;
        }
        if (type == Boolean.class || type == boolean.class) {
            return true;
        }
        if (type instanceof Class<?> c && c.isEnum()) {
            return c.getEnumConstants()[0];
        }
        // The status's own types (conditions, summary, display, resource counts...): filled in as well.
        if (type instanceof Class<?> c && c.getPackageName().equals(GitRepoStatus.class.getPackageName())) {
            return populated(c);
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            return List.of(sample(owner, property, p.getActualTypeArguments()[0]));
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
            return Map.of("x", sample(owner, property, p.getActualTypeArguments()[1]));
        }
        throw new AssertionError("no sample value for " + owner.getSimpleName() + "." + property + " (" + type
                + "): add one here");
    }
}
