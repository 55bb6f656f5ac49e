package io.gitjob.job.fleet;

import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.testing.GitRepoCrdSetup;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * The mock API server as a cluster with Fleet installed: the GitRepo CRD and Fleet's Bundle and BundleDeployment
 * kinds (namespaced, with a status subresource, as in Fleet's chart), so job-service finds
 * {@code bundles.fleet.cattle.io} and informs both kinds.
 */
public class FleetCrdSetup implements Consumer<KubernetesServer> {

    @Override
    public void accept(KubernetesServer server) {
        new GitRepoCrdSetup().accept(server);
        var crds = server.getClient().apiextensions().v1().customResourceDefinitions();
        crds.resource(crd(FleetConventions.BUNDLE_KIND, FleetConventions.BUNDLE_PLURAL)).create();
        crds.resource(crd(FleetConventions.BUNDLE_DEPLOYMENT_KIND, FleetConventions.BUNDLE_DEPLOYMENT_PLURAL))
                .create();
    }

    private static CustomResourceDefinition crd(String kind, String plural) {
        return new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName(plural + "." + FleetConventions.GROUP).endMetadata().withNewSpec()
                .withGroup(FleetConventions.GROUP).withScope("Namespaced").withNewNames().withKind(kind)
                .withPlural(plural).withSingular(kind.toLowerCase()).endNames().addNewVersion()
                .withName(FleetConventions.VERSION).withServed(true).withStorage(true).withNewSubresources()
                .withNewStatus().endStatus().endSubresources().withNewSchema().withNewOpenAPIV3Schema()
                .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                .endVersion().endSpec().build();
    }
}
