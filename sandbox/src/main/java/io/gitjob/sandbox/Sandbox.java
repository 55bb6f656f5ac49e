package io.gitjob.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;

/**
 * The whole of gitjob on one machine: a Kafka broker, a simulated Kubernetes API (Fabric8's mock API server),
 * the {@link JobRunner} that plays the kubelet, a sample Git repository with a GitRepo on it, and the four
 * services, each service, the broker and the API server in its own process. {@link #main} is the README's
 * run command; the end-to-end tests start it through {@link #start}, and disturb it as a bad day on a cluster
 * would: {@link #kill} a service, {@link #freeze} the broker or the API server, {@link #faults} of the API.
 */
public final class Sandbox implements AutoCloseable {

    public static final String NAMESPACE = "fleet-local";
    public static final String SAMPLE_GITREPO = "sample";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** A part of the simulated infrastructure, each its own process: what {@link #freeze} stops. */
    public enum Infrastructure {
        KAFKA("kafka"), KUBE_API("kube-api");

        public final String process;

        Infrastructure(String process) {
            this.process = process;
        }
    }

    /** A service module: its name, also its folder. */
    public enum Service {
        WATCHER("watcher-service"), JOB("job-service"), METRICS("metrics-service"), JANITOR("janitor-service");

        public final String module;

        Service(String module) {
            this.module = module;
        }
    }

    private final SandboxConfig config;
    private final Path root;
    private final Path workDir;
    private final Consumer<String> console;
    private final List<ChildProcess> children = Collections.synchronizedList(new ArrayList<>());
    private final Map<Service, ChildProcess> services = new LinkedHashMap<>();
    private final Map<Service, Integer> ports = new LinkedHashMap<>();
    /**
     * The webhook port of each watcher process, by name: the watcher's {@code /q/*} is on Quarkus' management
     * interface (its port in {@link #ports}, as every service's), its webhooks on a port of their own.
     */
    private final Map<String, Integer> webhookPorts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Infrastructure, ChildProcess> infrastructure = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String bootstrap;
    /** The API server for the services, people and kubectl ({@link ApiFront}): where faults are injected. */
    private String apiUrl;
    /** The mock itself, for the Job runner and the tests' client: the cluster's own parts, never faulted. */
    private String mockUrl;
    private KubernetesClient client;
    /** The Job runner's own (and its Fleet stand-in's), so that the API front's counts tell it from the tests'. */
    private KubernetesClient runnerClient;
    private JobRunner runner;
    private SampleRepo sample;
    private volatile boolean closed;

    private Sandbox(SandboxConfig config, Consumer<String> console) {
        this.config = config;
        this.root = config.root();
        this.workDir = config.workDir();
        this.console = console;
        ports.put(Service.WATCHER, config.watcherPort);
        ports.put(Service.JOB, config.jobPort);
        ports.put(Service.METRICS, config.metricsPort);
        ports.put(Service.JANITOR, config.janitorPort);
    }

    public static void main(String[] args) {
        SandboxConfig config;
        try {
            config = SandboxConfig.fromArgs(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        Sandbox sandbox = new Sandbox(config, line -> {
            synchronized (out) {
                out.println(line);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "sandbox-shutdown"));
        try {
            sandbox.startAll();
        } catch (RuntimeException e) {
            System.err.println("The sandbox could not start: " + e.getMessage());
            sandbox.close();
            System.exit(1);
        }
        out.println(sandbox.banner());
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts everything and waits until every service is ready; the caller closes it. */
    public static Sandbox start(SandboxConfig config, Consumer<String> console) {
        Sandbox sandbox = new Sandbox(config, console);
        try {
            sandbox.startAll();
            return sandbox;
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    private void startAll() {
        long started = System.nanoTime();
        Map<String, Integer> wanted = new LinkedHashMap<>();
        wanted.put("Kafka broker", config.kafkaPort);
        wanted.put("Kafka controller", config.kafkaControllerPort);
        wanted.put("Kubernetes API", config.apiPort);
        ports.forEach((s, p) -> wanted.put(s.module, p));
        wanted.put("watcher-service webhooks", config.watcherWebhookPort);
        List<String> busy = Ports.busy(wanted);
        if (!busy.isEmpty()) {
            throw new IllegalStateException(String.join("; ", busy)
                    + ". Stop what uses it, or choose other ports (--help lists the options).");
        }
        for (Service s : Service.values()) {
            Path jar = jar(s);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build first with ./mvnw -B -ntp install -DskipTests");
            }
        }
        try {
            Files.createDirectories(workDir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        say("starting the Kafka broker and the Kubernetes API (Fabric8's mock API server) ...");
        ChildProcess kafka = startMain("kafka", KafkaBrokerMain.class, "-Xmx512m", Integer.toString(config.kafkaPort),
                Integer.toString(config.kafkaControllerPort), Integer.toString(config.partitions));
        List<String> apiArgs = new ArrayList<>(List.of(Integer.toString(config.apiPort)));
        if (!config.statusPruning) {
            apiArgs.add("--no-status-pruning");
        }
        if (!config.fleetInstalled()) {
            apiArgs.add("--no-fleet");
        }
        ChildProcess api = startMain("kube-api", ApiServerMain.class, "-Xmx256m", apiArgs.toArray(String[]::new));
        infrastructure.put(Infrastructure.KAFKA, kafka);
        infrastructure.put(Infrastructure.KUBE_API, api);
        String[] urls = api.awaitReadyLine(START_TIMEOUT).split(" ");
        apiUrl = urls[0];
        mockUrl = urls[1];
        writeKubeconfigs();
        client = sandboxClient("client");
        runnerClient = sandboxClient("job-runner");
        runner = new JobRunner(runnerClient, config.jobTime, workDir.resolve("job-runs"), line -> log("job-runner", line),
                config.unpullableImages, config.fleetInstalled()).start();
        bootstrap = kafka.awaitReadyLine(START_TIMEOUT);
        writeEnvFile();

        say("starting the four services ...");
        for (Service s : Service.values()) {
            services.put(s, startService(s, s.module, ports.get(s), Map.of()));
        }
        List<CompletableFuture<Void>> ready = services.entrySet().stream()
                .map(e -> CompletableFuture.runAsync(() -> awaitReady(e.getValue(), ports.get(e.getKey()))))
                .toList();
        ready.forEach(CompletableFuture::join);
        if (config.sample) {
            sample = SampleRepo.createIfAbsent(workDir.resolve("sample-repo"), SampleRepo.sampleFiles());
            createGitRepo(SAMPLE_GITREPO, sample, List.of("deploy"));
        }
        say(String.format("up in %.1f s", (System.nanoTime() - started) / 1e9));
    }

    /**
     * Starts one more process of a service (a replica, in the tests), with extra environment; {@code port} is where
     * it answers {@code /q/health} and {@code /q/metrics} (the watcher's management port). A watcher's webhooks go
     * to a port of their own: the sandbox's watcher's {@code --watcher-webhook-port}, any other a free one
     * ({@link #webhookUrl(String)}).
     */
    public ChildProcess startService(Service service, String name, int port, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KUBECONFIG", servicesKubeconfig().toString());
        if (service == Service.WATCHER) {
            int webhooks = name.equals(service.module) ? config.watcherWebhookPort : Ports.anyFree();
            webhookPorts.put(name, webhooks);
            env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(port));
            env.put("QUARKUS_HTTP_PORT", Integer.toString(webhooks));
        } else {
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        }
        // Readable lines in the sandbox's console; the services' JSON logs are for log collectors.
        env.put("GITJOB_LOG_JSON", "false");
        env.put("GITJOB_WATCHER_DEFAULT_POLLING_INTERVAL", config.pollingInterval);
        env.put("GITJOB_JANITOR_SCHEDULE", "off");
        env.put("QUARKUS_SHUTDOWN_TIMEOUT", "5s");
        env.put("GITJOB_JOB_MODE", config.jobMode);
        if (!config.shardId.isEmpty()) {
            env.put("GITJOB_SHARD_ID", config.shardId); // unset is the default shard; an empty value is not "unset"
        }
        env.putAll(config.serviceEnv);
        env.putAll(extraEnv);
        List<String> command = List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                userAgent(name), "-jar", jar(service).toString());
        return track(ChildProcess.start(name, command, env, workDir, workDir.resolve("logs/" + name + ".log"),
                this::echo));
    }

    /** Starts one more replica of a service and waits until it is ready. */
    public ChildProcess startReplica(Service service, String name, int port) {
        ChildProcess replica = startService(service, name, port, Map.of());
        awaitReady(replica, port);
        return replica;
    }

    /**
     * Stops a service gracefully (SIGTERM: it finishes the record in hand and leaves its consumer groups), runs
     * {@code whileStopped}, and starts it again on its port, as a rolling restart does; returns once it is ready.
     */
    public synchronized void restart(Service service, Runnable whileStopped) {
        ChildProcess old = services.get(service);
        old.stop(Duration.ofSeconds(15));
        children.remove(old);
        whileStopped.run();
        startAgain(service);
    }

    /**
     * {@code kill -9} of a service, as a node dies: no shutdown hook, no offset commit, its consumer group
     * membership left to expire. {@link #startAgain} brings it back.
     */
    public synchronized void kill(Service service) {
        ChildProcess old = services.get(service);
        old.kill();
        children.remove(old);
    }

    /** Starts a stopped or killed service again on its port; returns once it is ready. */
    public synchronized void startAgain(Service service) {
        if (services.get(service).isAlive()) {
            throw new IllegalStateException(service.module + " is still running");
        }
        ChildProcess fresh = startService(service, service.module, ports.get(service), Map.of());
        services.put(service, fresh);
        awaitReady(fresh, ports.get(service));
    }

    /**
     * SIGSTOP of the broker or the API server (front and mock together: one process): it holds its connections
     * open and answers nothing, as on a frozen VM or in a long GC pause, until {@link #thaw}.
     */
    public void freeze(Infrastructure part) {
        infrastructure.get(part).freeze();
    }

    /** SIGCONT of what {@link #freeze} stopped. */
    public void thaw(Infrastructure part) {
        infrastructure.get(part).thaw();
    }

    public long pid(Infrastructure part) {
        return infrastructure.get(part).pid();
    }

    /**
     * The API front's fault injection (429s, 500s, held requests, a freeze of the API for its clients only), for
     * what goes through the front: the services and kubectl, not the Job runner nor {@link #client()}.
     */
    public FaultsClient faults() {
        return new FaultsClient(URI.create(apiUrl));
    }

    /**
     * A second gitjob installation on the same cluster and broker, for another shard: a watcher-service and a
     * job-service with {@code gitjob.shard-id=shardId}, so they manage only the GitRepos labelled
     * {@code fleet.cattle.io/shard-ref=<shardId>}. Each gets consumer groups of its own (named after the shard), as
     * a separate installation has: in the default installation's groups they would take partitions, and with them
     * GitRepos, from it. Returns once both are ready; the sandbox stops them on close.
     */
    public List<ChildProcess> startShard(String shardId, int watcherPort, int jobPort) {
        Map<String, String> shard = Map.of("GITJOB_SHARD_ID", shardId);
        Map<String, String> watcherEnv = new LinkedHashMap<>(shard);
        watcherEnv.put("MP_MESSAGING_INCOMING_GITREPO_STATE_MEMBERSHIP_GROUP_ID", "watcher-service-" + shardId);
        Map<String, String> jobEnv = new LinkedHashMap<>(shard);
        jobEnv.put("MP_MESSAGING_INCOMING_GITREPO_EVENTS_GROUP_ID", "job-service-" + shardId);
        ChildProcess watcher = startService(Service.WATCHER, "watcher-service-" + shardId, watcherPort, watcherEnv);
        ChildProcess job = startService(Service.JOB, "job-service-" + shardId, jobPort, jobEnv);
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> awaitReady(watcher, watcherPort)),
                CompletableFuture.runAsync(() -> awaitReady(job, jobPort))).join();
        return List.of(watcher, job);
    }

    /**
     * Fleet's agent reports the Bundle's deployment not ready, with {@code message}, until {@link #markBundleReady}
     * (the annotation {@code sandbox.gitjob.io/not-ready} on the Bundle, which a user sets with kubectl annotate).
     */
    public void markBundleNotReady(String namespace, String bundle, String message) {
        client.genericKubernetesResources(FleetStandIn.BUNDLES).inNamespace(namespace).withName(bundle).edit(b -> {
            Map<String, String> annotations = b.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(b.getMetadata().getAnnotations());
            annotations.put(FleetStandIn.NOT_READY_ANNOTATION, message);
            b.getMetadata().setAnnotations(annotations);
            return b;
        });
    }

    public void markBundleReady(String namespace, String bundle) {
        client.genericKubernetesResources(FleetStandIn.BUNDLES).inNamespace(namespace).withName(bundle).edit(b -> {
            if (b.getMetadata().getAnnotations() != null) {
                Map<String, String> annotations = new LinkedHashMap<>(b.getMetadata().getAnnotations());
                annotations.remove(FleetStandIn.NOT_READY_ANNOTATION);
                b.getMetadata().setAnnotations(annotations);
            }
            return b;
        });
    }

    /** From now on the simulated kubelet cannot pull {@code image} (without a tag: any tag of it). */
    public void refusePulls(String image) {
        runner.refusePulls(image);
    }

    public void allowPulls(String image) {
        runner.allowPulls(image);
    }

    /** Runs the janitor's one-shot mode ({@code --once}) as a CronJob would; its exit code. */
    public int runJanitorOnce(Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KUBECONFIG", servicesKubeconfig().toString());
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("GITJOB_LOG_JSON", "false");
        env.putAll(extraEnv);
        ChildProcess once = track(ChildProcess.start("janitor-once", List.of(java(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", userAgent("janitor-once"), "-jar", jar(Service.JANITOR).toString(),
                "--once"), env, workDir,
                workDir.resolve("logs/janitor-once.log"), this::echo));
        int code = once.awaitExit(START_TIMEOUT);
        if (code < 0) {
            once.stop(Duration.ofSeconds(5)); // it did not finish: not left running once forgotten
        }
        children.remove(once);
        return code;
    }

    public GitRepo createGitRepo(String name, SampleRepo repo, List<String> paths) {
        return client.resource(gitRepo(name, repo, paths, Map.of())).create();
    }

    /** The GitRepo the sandbox would create (its namespace, branch and polling interval), not created yet. */
    public GitRepo gitRepo(String name, SampleRepo repo, List<String> paths, Map<String, String> annotations) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name)
                .withAnnotations(annotations.isEmpty() ? null : new LinkedHashMap<>(annotations)).build());
        if (!config.shardId.isEmpty()) {
            // The sandbox's services manage only their shard's GitRepos.
            gitRepo.getMetadata().setLabels(new LinkedHashMap<>(Map.of(FleetConventions.SHARD_REF_LABEL,
                    config.shardId)));
        }
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo(repo.url());
        spec.setBranch(SampleRepo.BRANCH);
        spec.setPaths(paths);
        spec.setPollingInterval(config.pollingInterval);
        gitRepo.setSpec(spec);
        return gitRepo;
    }

    private ChildProcess startMain(String name, Class<?> main, String heap, String... args) {
        // Absolute entries: the child runs in the work folder.
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java(), heap, "-XX:+UseSerialGC", "-cp", classpath,
                main.getName()));
        command.addAll(List.of(args));
        return track(ChildProcess.start(name, command, Map.of(), workDir, workDir.resolve("logs/" + name + ".log"),
                this::echo));
    }

    private ChildProcess track(ChildProcess child) {
        children.add(child);
        return child;
    }

    private void awaitReady(ChildProcess process, int port) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        URI health = URI.create("http://localhost:" + port + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited while starting; see "
                        + workDir.resolve("logs/" + process.name() + ".log"));
            }
            try {
                var response = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(process.name() + " was not ready within " + START_TIMEOUT.toSeconds() + " s");
    }

    /**
     * Fabric8's {@code kubernetes.user.agent} (Quarkus' client starts from Fabric8's auto-configuration, which reads
     * it), so that the API front counts each process's requests apart ({@link RequestCounts}).
     */
    private static String userAgent(String processName) {
        return "-Dkubernetes.user.agent=gitjob-" + processName;
    }

    /** A client of the mock itself, named {@code gitjob-sandbox-<part>} in the request counts. */
    private KubernetesClient sandboxClient(String part) {
        Config config = Config.fromKubeconfig(kubeconfigText(mockUrl));
        config.setUserAgent(RequestCounts.SANDBOX_AGENT_PREFIX + "-" + part);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private Path jar(Service service) {
        return root.resolve(service.module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The kubeconfig for kubectl and people: the API server's front ({@link ApiFront}). */
    public Path kubeconfig() {
        return workDir.resolve("kubeconfig");
    }

    /**
     * The services' kubeconfig: the API server's front too, so that its faults apply to them
     * ({@link SandboxConfig#servicesThroughFront}); else the mock itself.
     */
    public Path servicesKubeconfig() {
        return workDir.resolve("services.kubeconfig");
    }

    private static String kubeconfigText(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: gitjob-sandbox
                    cluster:
                      server: %s
                contexts:
                  - name: gitjob-sandbox
                    context:
                      cluster: gitjob-sandbox
                      user: gitjob-sandbox
                      namespace: %s
                current-context: gitjob-sandbox
                users:
                  - name: gitjob-sandbox
                    user:
                      token: sandbox
                """.formatted(server, NAMESPACE);
    }

    private void writeKubeconfigs() {
        try {
            Files.writeString(kubeconfig(), kubeconfigText(apiUrl));
            Files.writeString(servicesKubeconfig(), kubeconfigText(config.servicesThroughFront ? apiUrl : mockUrl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeEnvFile() {
        StringBuilder env = new StringBuilder("# source this file: . sandbox-work/sandbox.env\n");
        env.append("export KUBECONFIG=").append(kubeconfig()).append('\n');
        env.append("export KAFKA_BOOTSTRAP_SERVERS=").append(bootstrap).append('\n');
        // GITJOB_<SERVICE>_URL: where /q/* is; the watcher's webhooks are on a port of their own.
        ports.forEach((s, p) -> env.append("export GITJOB_").append(s.name()).append("_URL=http://localhost:")
                .append(p).append('\n'));
        env.append("export GITJOB_WATCHER_WEBHOOK_URL=http://localhost:").append(config.watcherWebhookPort)
                .append('\n');
        env.append("export GITJOB_SAMPLE_REPO=").append(workDir.resolve("sample-repo")).append('\n');
        try {
            Files.writeString(workDir.resolve("sandbox.env"), env.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String banner() {
        String repo = workDir.resolve("sample-repo").toString();
        StringBuilder b = new StringBuilder("\n========================= gitjob sandbox is up =========================\n");
        b.append("The cluster is SIMULATED: Fabric8's mock Kubernetes API server (CRUD mode, no controllers);\n")
                .append("the sandbox's Job runner plays the kubelet (it checks that the YAML files parse)");
        if (config.fleetInstalled()) {
            b.append(",\nand, for fleet-mode Jobs, a STAND-IN for fleet apply, Fleet's bundle controller and agent\n")
                    .append("(Bundles and BundleDeployments for one pretend downstream cluster; nothing is deployed).\n");
        } else {
            b.append(".\nNo Fleet in this cluster (--job-mode=kubectl): gitjob standalone.\n");
        }
        b.append("Job mode: ").append(config.jobMode).append(config.shardId.isEmpty() ? ""
                : ", shard " + config.shardId).append('\n')
                .append("With KUBECONFIG pointing at a real cluster, run the services against that instead.\n\n");
        b.append("  . ").append(workDir.resolve("sandbox.env")).append("      # KUBECONFIG, KAFKA_BOOTSTRAP_SERVERS, URLs\n");
        b.append("  kubectl get gitrepos,jobs,pods -A\n");
        if (config.fleetInstalled()) {
            b.append("  kubectl get bundles,bundledeployments -A\n");
            b.append("  kubectl annotate bundle <name> ").append(FleetStandIn.NOT_READY_ANNOTATION)
                    .append("='pods not ready'   # ... and --overwrite / <annotation>- to make it ready again\n");
        }
        b.append("  kubectl get jobs -w\n\n");
        ports.forEach((s, p) -> b.append(String.format("  %-16s http://localhost:%d/q/metrics   /q/health%n", s.module, p)));
        b.append("  webhooks         POST ").append(webhookUrl(Service.WATCHER.module))
                .append("   (the watcher's webhook port, any path)\n");
        b.append("  Kafka            ").append(bootstrap).append('\n');
        b.append("  Kubernetes API   ").append(apiUrl).append("  (kubeconfig: ").append(kubeconfig()).append(")\n");
        b.append("  logs             ").append(workDir.resolve("logs")).append('\n');
        b.append("  API faults       curl -X PUT ").append(apiUrl)
                .append("/_faults -d '{\"seed\":1,\"rules\":[{\"kind\":\"429\",\"share\":0.2}]}'  (docs/sandbox.md)\n");
        if (sample != null) {
            b.append("\nThe GitRepo ").append(NAMESPACE).append('/').append(SAMPLE_GITREPO).append(" polls ").append(repo)
                    .append(" every ").append(config.pollingInterval).append(".\n");
            b.append("  Push a commit:   cd ").append(repo).append(" && echo '  color: blue' >> deploy/configmap.yaml"
                    + " && git commit -qam 'blue'\n");
            b.append("                   -> a Job runs, succeeds and is deleted; see fleet_gitjob_duration_seconds on :")
                    .append(config.metricsPort).append("/q/metrics\n");
            b.append("  Break a file:    cd ").append(repo).append(" && echo 'key: [unclosed' >> deploy/configmap.yaml"
                    + " && git commit -qam 'broken'\n");
            b.append("                   -> the Job fails and is kept: kubectl get jobs; kubectl get gitrepo sample -o yaml\n");
            b.append("  Fix it:          git revert --no-edit HEAD\n");
            b.append("  Clean up now:    java -jar janitor-service/target/quarkus-app/quarkus-run.jar --once (after . sandbox.env)\n");
        }
        b.append("\nCtrl-C stops everything.\n=========================================================================");
        return b.toString();
    }

    private void say(String line) {
        console.accept(String.format("%-16s| %s", "sandbox", line));
    }

    private void log(String who, String line) {
        console.accept(String.format("%-16s| %s", who, line));
    }

    private void echo(String line) {
        if (config.echo) {
            console.accept(line);
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** Where the service answers {@code /q/health} and {@code /q/metrics} (the watcher: its management port). */
    public String url(Service service) {
        return "http://localhost:" + ports.get(service);
    }

    /** Where a watcher process the sandbox started, by name, takes webhooks (its {@code quarkus.http.port}). */
    public String webhookUrl(String watcherProcess) {
        Integer port = webhookPorts.get(watcherProcess);
        if (port == null) {
            throw new IllegalArgumentException("no watcher process " + watcherProcess);
        }
        return "http://localhost:" + port;
    }

    public ChildProcess process(Service service) {
        return services.get(service);
    }

    public Path workDir() {
        return workDir;
    }

    /** Stops everything: the Job runner, then the services, then the API server and the broker. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        say("stopping ...");
        // Nothing may stay frozen: a stopped broker or API server would hold every shutdown up.
        infrastructure.values().stream().filter(ChildProcess::frozen).forEach(c -> {
            try {
                c.thaw();
            } catch (RuntimeException e) {
                say("could not thaw " + c.name() + ": " + e.getMessage());
            }
        });
        if (apiUrl != null && infrastructure.get(Infrastructure.KUBE_API).isAlive()) {
            try {
                faults().clear();
                faults().thaw();
            } catch (RuntimeException e) {
                say("could not clear the API front's faults: " + e.getMessage());
            }
        }
        if (runner != null) {
            runner.close();
        }
        if (runnerClient != null) {
            runnerClient.close();
        }
        if (client != null) {
            client.close();
        }
        List<ChildProcess> all;
        synchronized (children) {
            all = new ArrayList<>(children);
        }
        // Services first (they finish the record in hand), in parallel; then the broker and the API server.
        List<ChildProcess> infrastructure = all.stream().filter(c -> c.name().equals("kafka")
                || c.name().equals("kube-api")).toList();
        List<ChildProcess> rest = all.stream().filter(c -> !infrastructure.contains(c)).toList();
        rest.stream().map(c -> CompletableFuture.runAsync(() -> c.stop(Duration.ofSeconds(15)))).toList()
                .forEach(CompletableFuture::join);
        infrastructure.stream().map(c -> CompletableFuture.runAsync(() -> c.stop(Duration.ofSeconds(15)))).toList()
                .forEach(CompletableFuture::join);
        say("stopped");
    }
}
