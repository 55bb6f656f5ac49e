package io.gitjob.sandbox;

import java.util.List;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.gitjob.gitrepo.FleetConventions;

/**
 * The CRDs of Fleet's kinds other than GitRepo, as a cluster with Fleet installed has them: Bundle,
 * BundleDeployment and ImageScan (names, scope, category {@code fleet}, status subresource, and the Bundle's
 * printer columns as Fleet v0.16.1's chart declares them). Their schemas accept anything: the mock validates
 * nothing anyway, and {@code bundles.fleet.cattle.io} being there is what matters (it is how an installation
 * knows Fleet is present).
 */
final class FleetCrds {

    private FleetCrds() {
    }

    static List<CustomResourceDefinition> all() {
        return List.of(
                crd(FleetConventions.BUNDLE_KIND, FleetConventions.BUNDLE_PLURAL, "bundle"),
                crd(FleetConventions.BUNDLE_DEPLOYMENT_KIND, FleetConventions.BUNDLE_DEPLOYMENT_PLURAL,
                        "bundledeployment"),
                crd(FleetConventions.IMAGE_SCAN_KIND, FleetConventions.IMAGE_SCAN_PLURAL, "imagescan"));
    }

    private static CustomResourceDefinition crd(String kind, String plural, String singular) {
        var version = new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName(plural + "." + FleetConventions.GROUP).endMetadata()
                .withNewSpec().withGroup(FleetConventions.GROUP).withScope("Namespaced")
                .withNewNames().withKind(kind).withListKind(kind + "List").withPlural(plural).withSingular(singular)
                .withCategories("fleet").endNames()
                .addNewVersion().withName(FleetConventions.VERSION).withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().endSchema()
                .withNewSubresources().withNewStatus().endStatus().endSubresources();
        if (FleetConventions.BUNDLE_KIND.equals(kind)) {
            version = version
                    .addNewAdditionalPrinterColumn().withName("BundleDeployments-Ready").withType("string")
                    .withJsonPath(".status.display.readyClusters").endAdditionalPrinterColumn()
                    .addNewAdditionalPrinterColumn().withName("Status").withType("string")
                    .withJsonPath(".status.conditions[?(@.type==\"Ready\")].message").endAdditionalPrinterColumn();
        }
        return version.endVersion().endSpec().build();
    }
}
