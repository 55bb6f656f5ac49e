package io.gitjob.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitjob.gitrepo.FleetConventions;

/**
 * deploy/crds is the standalone install's GitRepo CRD (no Fleet), generated from Fleet's chart so that a later
 * Fleet install finds its own schema; the services' install brings no CRD, so Fleet's stays Fleet's. Fleet's
 * chart is not on CI's machines, so the facts of Fleet's CRD are written here, read from rancher/fleet
 * {@value FleetConventions#FLEET_VERSION}, {@code charts/fleet-crd/templates/crds.yaml}: a hand edit, or a
 * regeneration from another Fleet version, that changes any of them fails here until the facts are updated too.
 */
class StandaloneGitRepoCrdTest {

    /** Fleet's {@code spec.properties} of the GitRepo, exactly. */
    static final Set<String> FLEET_SPEC = Set.of("branch", "bundles", "caBundle", "clientSecretName", "correctDrift",
            "deleteNamespace", "disablePolling", "forceSyncGeneration", "helmRepoURLRegex", "helmSecretName",
            "helmSecretNameForPaths", "imageScanCommit", "imageScanInterval", "insecureSkipTLSVerify",
            "keepResources", "ociRegistrySecret", "paths", "paused", "pollingInterval", "repo", "revision",
            "serviceAccount", "targetNamespace", "targets", "webhookSecret");

    /** Fleet's printer columns, in order: name, type, JSONPath (kubectl get gitrepo; Age is added by kubectl). */
    static final List<String> FLEET_COLUMNS = List.of(
            "Repo string .spec.repo",
            "Commit string .status.commit",
            "BundleDeployments-Ready string .status.display.readyBundleDeployments",
            "Status string .status.conditions[?(@.type==\"Ready\")].message");

    /** Fleet's validation of every duration field (pollingInterval, imageScanInterval): a Go duration. */
    static final String FLEET_DURATION_RULE = "self == '0' || (self.matches('^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$')"
            + " && duration(self) <= duration('2562047h'))";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static CustomResourceDefinition crd() throws IOException {
        return SERIALIZATION.unmarshal(Files.readString(ProjectRoot.find().resolve("deploy/crds/gitrepo.yaml")),
                CustomResourceDefinition.class);
    }

    @Test
    void namesAreFleets() throws IOException {
        CustomResourceDefinition crd = crd();
        assertEquals("gitrepos.fleet.cattle.io", crd.getMetadata().getName());
        assertEquals("fleet.cattle.io", crd.getSpec().getGroup());
        assertEquals("Namespaced", crd.getSpec().getScope());
        var names = crd.getSpec().getNames();
        assertEquals(List.of("GitRepo", "GitRepoList", "gitrepos", "gitrepo"),
                List.of(names.getKind(), names.getListKind(), names.getPlural(), names.getSingular()));
        assertEquals(List.of("fleet"), names.getCategories(), "kubectl get fleet lists GitRepos");
        assertTrue(names.getShortNames() == null || names.getShortNames().isEmpty(), "Fleet's GitRepo has none");
    }

    @Test
    void oneServedStoredVersionWithAStatusSubresourceAndFleetsColumns() throws IOException {
        CustomResourceDefinitionVersion version = onlyVersion(crd());
        assertEquals("v1alpha1", version.getName());
        assertTrue(version.getServed() && version.getStorage());
        assertNotNull(version.getSubresources().getStatus());
        List<String> columns = new ArrayList<>();
        for (CustomResourceColumnDefinition c : version.getAdditionalPrinterColumns()) {
            columns.add(c.getName() + " " + c.getType() + " " + c.getJsonPath());
        }
        assertEquals(FLEET_COLUMNS, columns);
    }

    @Test
    void specAndStatusPropertiesAreFleetsExactly() throws IOException {
        JSONSchemaProps root = onlyVersion(crd()).getSchema().getOpenAPIV3Schema();
        JSONSchemaProps spec = root.getProperties().get("spec");
        JSONSchemaProps status = root.getProperties().get("status");
        assertEquals(new TreeSet<>(FLEET_SPEC), new TreeSet<>(spec.getProperties().keySet()));
        assertEquals(List.of("repo"), spec.getRequired());
        assertEquals(new TreeSet<>(GitRepoStatusFieldsTest.FLEET_STATUS), new TreeSet<>(status.getProperties().keySet()));
        JSONSchemaProps condition = status.getProperties().get("conditions").getItems().getSchema();
        assertEquals(new TreeSet<>(GitRepoStatusFieldsTest.FLEET_CONDITION), new TreeSet<>(condition.getProperties().keySet()));
        assertEquals(new TreeSet<>(List.of("status", "type")), new TreeSet<>(condition.getRequired()));
    }

    @Test
    void nothingKeepsUnknownFieldsSoAFieldOutsideFleetsIsPrunedAsOnAFleetCluster() throws IOException {
        List<String> preserving = new ArrayList<>();
        preservingUnknownFields(onlyVersion(crd()).getSchema().getOpenAPIV3Schema(), "", preserving);
        assertEquals(List.of(), preserving);
    }

    @Test
    void validationsAreFleets() throws IOException {
        Map<String, JSONSchemaProps> spec = onlyVersion(crd()).getSchema().getOpenAPIV3Schema().getProperties()
                .get("spec").getProperties();
        assertEquals(1L, spec.get("repo").getMinLength());
        for (String duration : List.of("pollingInterval", "imageScanInterval")) {
            JSONSchemaProps p = spec.get(duration);
            assertEquals(1L, p.getMinLength(), duration);
            assertEquals(32L, p.getMaxLength(), duration);
            assertEquals(List.of(FLEET_DURATION_RULE),
                    p.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList(), duration);
        }
        assertEquals("int64", spec.get("forceSyncGeneration").getFormat());
        assertEquals("byte", spec.get("caBundle").getFormat());
    }

    @ParameterizedTest
    @MethodSource("io.gitjob.deploy.DeployManifestsTest#overlays")
    void theServicesInstallBringsNoCrd(String overlay) {
        // With Fleet, its CRD is Fleet's to own: an overlay that carried one would replace it on every apply.
        assertEquals(List.of(), DeployManifestsTest.render(overlay).all(CustomResourceDefinition.class).stream()
                .map(c -> c.getMetadata().getName()).toList());
    }

    @Test
    void theCrdsKustomizationIsThatOneCrd() throws IOException {
        List<Map<String, Object>> docs = KustomizeRender.render(ProjectRoot.find().resolve("deploy/crds"));
        assertEquals(1, docs.size());
        assertEquals("CustomResourceDefinition", docs.get(0).get("kind"));
        assertEquals(crd().getMetadata().getName(), ((Map<?, ?>) docs.get(0).get("metadata")).get("name"));
    }

    @Test
    void aCrdThatKeepsUnknownStatusFieldsIsCaught() throws IOException {
        CustomResourceDefinition crd = crd();
        onlyVersion(crd).getSchema().getOpenAPIV3Schema().getProperties().get("status")
                .setXKubernetesPreserveUnknownFields(true);
        List<String> preserving = new ArrayList<>();
        preservingUnknownFields(onlyVersion(crd).getSchema().getOpenAPIV3Schema(), "", preserving);
        assertEquals(List.of(".status"), preserving);
    }

    // ---- how ----

    private static CustomResourceDefinitionVersion onlyVersion(CustomResourceDefinition crd) {
        assertEquals(1, crd.getSpec().getVersions().size(), "Fleet serves v1alpha1 only");
        return crd.getSpec().getVersions().get(0);
    }

    private static void preservingUnknownFields(JSONSchemaProps schema, String path, List<String> found) {
        if (schema == null) {
            return;
        }
        if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
            found.add(path);
        }
        if (schema.getProperties() != null) {
            schema.getProperties().forEach((name, p) -> preservingUnknownFields(p, path + "." + name, found));
        }
        if (schema.getItems() != null) {
            preservingUnknownFields(schema.getItems().getSchema(), path + "[]", found);
        }
        if (schema.getAdditionalProperties() != null) {
            preservingUnknownFields(schema.getAdditionalProperties().getSchema(), path + "{}", found);
        }
    }
}
