package io.gitjob.job.fleet;

import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.testing.GitRepoCrdSetup;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * The mock API server as a cluster with Fleet installed: GitRepos, and API discovery saying Fleet's Bundles are
 * served (the mock serves any path in CRUD mode, but answers discovery only as told). A real cluster's
 * discovery lists every Fleet kind; gitjob only asks for Bundles.
 */
public class FleetApiSetup implements Consumer<KubernetesServer> {

    @Override
    public void accept(KubernetesServer server) {
        new GitRepoCrdSetup().accept(server);
        server.expect().get().withPath("/apis/" + FleetConventions.API_VERSION)
                .andReturn(200, new APIResourceListBuilder().withGroupVersion(FleetConventions.API_VERSION)
                        .addToResources(new APIResourceBuilder().withName(FleetConventions.BUNDLE_PLURAL)
                                .withKind(FleetConventions.BUNDLE_KIND).withNamespaced(true).build())
                        .build())
                .always();
    }
}
