package io.gitjob.sandbox;

import java.net.InetAddress;
import java.util.HashMap;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.gitjob.gitrepo.GitRepoCrd;

/**
 * The sandbox's Kubernetes API: <b>Fabric8's mock API server in CRUD mode</b>, a stand-in that stores and serves
 * resources (GitRepos with their status subresource, Jobs, Pods) and their watches, over plain HTTP on
 * 127.0.0.1. It runs no controllers: the sandbox's {@link JobRunner} plays the kubelet and the garbage
 * collector. Its own process, so the services reach it as they would reach a cluster: through a kubeconfig.
 *
 * <p>Usage: {@code ApiServerMain <port>}; prints {@code READY <url>} once it serves the GitRepo CRD.
 */
public final class ApiServerMain {

    private ApiServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ParentWatch.exitWhenParentDies();
        // The mock logs every request at INFO: far too much for the sandbox's console.
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new DiscoveringCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "api-server-shutdown"));
        try (KubernetesClient client = server.createClient()) {
            client.apiextensions().v1().customResourceDefinitions().resource(GitRepoCrd.load()).create();
        }
        System.out.println("READY http://127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    /** The CRUD dispatcher plus the discovery documents kubectl needs (see {@link Discovery}). */
    static final class DiscoveringCrudDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            int query = path.indexOf('?');
            var document = "GET".equals(request.getMethod())
                    ? Discovery.document(query < 0 ? path : path.substring(0, query))
                    : java.util.Optional.<String>empty();
            if (document.isPresent()) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                        .setBody(document.get());
            }
            return super.dispatch(request);
        }
    }
}
