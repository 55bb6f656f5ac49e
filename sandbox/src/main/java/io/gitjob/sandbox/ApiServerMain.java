package io.gitjob.sandbox;

import java.net.InetAddress;
import java.net.URI;
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
 * <p>Two addresses: the mock itself on a free loopback port, which the services use (their Fabric8 clients watch
 * over WebSocket, as the mock serves them), and {@link ApiFront} on {@code <port>}, for kubectl and people, which
 * also serves watches over plain HTTP as a real API server does.
 *
 * <p>Usage: {@code ApiServerMain <port>}; prints {@code READY <front url> <mock url>} once it serves the GitRepo
 * CRD.
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
        server.init(InetAddress.getLoopbackAddress(), 0);
        String mockUrl = "http://127.0.0.1:" + server.getPort();
        ApiFront front = ApiFront.start(InetAddress.getLoopbackAddress(), port, URI.create(mockUrl));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            front.close();
            server.destroy();
        }, "api-server-shutdown"));
        try (KubernetesClient client = server.createClient()) {
            client.apiextensions().v1().customResourceDefinitions().resource(GitRepoCrd.load()).create();
        }
        System.out.println("READY http://127.0.0.1:" + front.port() + " " + mockUrl);
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
