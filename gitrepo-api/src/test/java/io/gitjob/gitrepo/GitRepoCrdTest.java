package io.gitjob.gitrepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The CRD that is deployed and the Java model the services use must describe the same resource. */
class GitRepoCrdTest {

    private final CustomResourceDefinition crd = GitRepoCrd.load();

    @Test
    void crdNamesTheResourceTheModelMapsTo() {
        assertEquals(GitRepo.CRD_NAME, crd.getMetadata().getName());
        assertEquals(GitRepo.GROUP, crd.getSpec().getGroup());
        assertEquals(GitRepo.KIND, crd.getSpec().getNames().getKind());
        assertEquals(GitRepo.PLURAL, crd.getSpec().getNames().getPlural());
        assertEquals("Namespaced", crd.getSpec().getScope());
        assertEquals(GitRepo.VERSION, version().getName());
        assertEquals(GitRepo.API_VERSION, new GitRepo().getApiVersion());
        assertEquals(GitRepo.PLURAL, new GitRepo().getPlural());
    }

    @Test
    void statusIsASubresourceSoServicesWriteItWithoutTouchingTheSpec() {
        assertNotNull(version().getSubresources().getStatus());
    }

    /** The CRD is Fleet's: the model may know fewer fields than it, never one it lacks (an API server prunes it). */
    @Test
    void everySpecFieldOfTheModelIsInTheSchema() {
        assertSubset(propertiesOf(GitRepoSpec.class), schema("spec").getProperties().keySet());
    }

    @Test
    void everyStatusFieldOfTheModelIsInTheSchema() {
        assertSubset(propertiesOf(GitRepoStatus.class), schema("status").getProperties().keySet());
        Set<String> conditionFields = schema("status").getProperties().get("conditions").getItems().getSchema()
                .getProperties().keySet();
        assertSubset(propertiesOf(GitRepoCondition.class), new TreeSet<>(conditionFields));
    }

    /** Like Fleet's, the schema keeps no unknown field: what the model does not know it must carry through. */
    @Test
    void fieldsFleetHasAndTheModelDoesNotAreKeptByTheModel() {
        assertTrue(!Boolean.TRUE.equals(schema("status").getXKubernetesPreserveUnknownFields()));
        GitRepo gitRepo = Serialization.unmarshal("""
                apiVersion: fleet.cattle.io/v1alpha1
                kind: GitRepo
                metadata: {name: simple, namespace: fleet-local}
                spec:
                  repo: https://github.com/rancher/fleet-examples
                  paths: [simple]
                  imageScanInterval: 5m
                  targets: [{clusterSelector: {}}]
                """, GitRepo.class);
        assertEquals(List.of("simple"), gitRepo.getSpec().getPaths());
        String written = Serialization.asYaml(gitRepo);
        assertTrue(written.contains("imageScanInterval: \"5m\"") || written.contains("imageScanInterval: 5m"),
                written);
        assertTrue(written.contains("clusterSelector"), written);
    }

    private static void assertSubset(Set<String> model, Set<String> schema) {
        Set<String> missing = new TreeSet<>(model);
        missing.removeAll(schema);
        assertTrue(missing.isEmpty(), "fields of the model that Fleet's schema lacks: " + missing);
    }

    private CustomResourceDefinitionVersion version() {
        return crd.getSpec().getVersions().get(0);
    }

    private JSONSchemaProps schema(String field) {
        return version().getSchema().getOpenAPIV3Schema().getProperties().get(field);
    }

    private static Set<String> propertiesOf(Class<?> type) {
        ObjectMapper mapper = new ObjectMapper();
        JavaType javaType = mapper.constructType(type);
        Set<String> names = new TreeSet<>();
        for (BeanPropertyDefinition p : mapper.getSerializationConfig().introspect(javaType).findProperties()) {
            names.add(p.getName());
        }
        names.remove("additionalProperties");
        return names;
    }


}
