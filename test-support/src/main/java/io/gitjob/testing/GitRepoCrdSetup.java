package io.gitjob.testing;

import java.util.function.Consumer;

import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.gitjob.gitrepo.GitRepoCrd;

/**
 * Loads the GitRepo CRD of {@code deploy/crds} into Fabric8's mock Kubernetes API server, which stands in for
 * a real API server in tests: {@code @WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)}.
 * With the CRD registered the mock serves GitRepos with their status subresource.
 */
public class GitRepoCrdSetup implements Consumer<KubernetesServer> {

    @Override
    public void accept(KubernetesServer server) {
        server.getClient().apiextensions().v1().customResourceDefinitions().resource(GitRepoCrd.load()).create();
    }
}
