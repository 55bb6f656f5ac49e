package io.gitjob.sandbox;

import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.gitjob.gitrepo.GitRepoCrd;

/**
 * The sandbox's Kubernetes API: <b>Fabric8's mock API server in CRUD mode</b>, a stand-in that stores and serves
 * resources (GitRepos with their status subresource, Jobs, Pods) and their watches, over plain HTTP on
 * 127.0.0.1. It runs no controllers: the sandbox's {@link JobRunner} plays the kubelet and the garbage
 * collector. Its own process, so the services reach it as they would reach a cluster: through a kubeconfig.
 *
 * <p>Two addresses: {@link ApiFront} on {@code <port>}, for the services, kubectl and people, which also serves
 * watches over plain HTTP as a real API server does and injects faults on request; and the mock itself on a free
 * loopback port, for the sandbox's own parts that play the cluster (the Job runner) and for the tests' eyes, which
 * no fault must blind.
 *
 * <p>By default it stores GitRepos under Fleet's status schema ({@link FleetStatusSchema}), as a cluster with
 * Fleet's CRD does; {@code --no-status-pruning} keeps every status field, as gitjob's own CRD does.
 *
 * <p>Fleet's other kinds (Bundle, BundleDeployment, ImageScan: {@link FleetCrds}) are served too, as on a cluster
 * with Fleet installed; {@code --no-fleet} leaves them out, as on a cluster without Fleet.
 *
 * <p>Usage: {@code ApiServerMain <port> [--no-status-pruning] [--no-fleet]}; prints
 * {@code READY <front url> <mock url>} once it serves the CRDs.
 */
public final class ApiServerMain {

    private ApiServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        boolean fleetStatusSchema = !java.util.Arrays.asList(args).contains("--no-status-pruning");
        boolean fleetInstalled = !java.util.Arrays.asList(args).contains("--no-fleet");
        ParentWatch.exitWhenParentDies();
        // The mock logs every request at INFO: far too much for the sandbox's console.
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        JobCreations jobCreations = new JobCreations();
        RequestCounts requests = new RequestCounts();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new SandboxCrudDispatcher(fleetStatusSchema, fleetInstalled, jobCreations, requests), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        String mockUrl = "http://127.0.0.1:" + server.getPort();
        ApiFront front = ApiFront.start(InetAddress.getLoopbackAddress(), port, URI.create(mockUrl), jobCreations,
                requests);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            front.close();
            server.destroy();
        }, "api-server-shutdown"));
        try (KubernetesClient client = server.createClient()) {
            client.apiextensions().v1().customResourceDefinitions().resource(GitRepoCrd.load()).create();
            if (fleetInstalled) {
                FleetCrds.all().forEach(crd -> client.apiextensions().v1().customResourceDefinitions().resource(crd)
                        .create());
            }
        }
        System.out.println("READY http://127.0.0.1:" + front.port() + " " + mockUrl);
        System.out.flush();
        Thread.currentThread().join();
    }
}
