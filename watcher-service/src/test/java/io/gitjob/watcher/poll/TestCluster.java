package io.gitjob.watcher.poll;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;

/**
 * Fabric8's mock API server in CRUD mode standing in for the cluster that holds a GitRepo's Secrets and the
 * known-hosts ConfigMap; the GitRepos themselves are handed to {@link GitCredentials} as the informer would.
 */
final class TestCluster implements AutoCloseable {

    static final String NAMESPACE = "fleet-local";

    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
            new HashMap<>(), new KubernetesCrudDispatcher(), false);
    final KubernetesClient client;

    TestCluster() {
        server.init();
        client = server.createClient();
    }

    void secret(String namespace, String name, String type, Map<String, String> values) {
        client.resource(new SecretBuilder().withMetadata(new ObjectMetaBuilder().withNamespace(namespace)
                .withName(name).build()).withType(type).withStringData(values).build()).create();
    }

    void secret(String name, String type, Map<String, String> values) {
        secret(NAMESPACE, name, type, values);
    }

    void configMap(String namespace, String name, Map<String, String> data) {
        client.resource(new ConfigMapBuilder().withMetadata(new ObjectMetaBuilder().withNamespace(namespace)
                .withName(name).build()).withData(data).build()).create();
    }

    static GitRepo gitRepo(String name, String repo, Consumer<GitRepoSpec> customize) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).withUid(name + "-uid")
                .build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo(repo);
        customize.accept(spec);
        gitRepo.setSpec(spec);
        return gitRepo;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
