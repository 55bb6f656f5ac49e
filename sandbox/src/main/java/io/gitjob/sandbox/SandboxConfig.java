package io.gitjob.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sandbox's settings. Each has a default, a command-line option {@code --name=value} and an environment
 * variable {@code GITJOB_SANDBOX_NAME} (dashes become underscores); the option wins.
 */
public final class SandboxConfig {

    public Path root;
    public Path workDir;
    public int kafkaPort = 9092;
    public int kafkaControllerPort = 9093;
    public int apiPort = 8090;
    /**
     * The watcher's {@code /q/health} and {@code /q/metrics}: its management port ({@code quarkus.management.port}),
     * apart from its webhook port so that exposing webhooks exposes nothing else.
     */
    public int watcherPort = 8081;
    /** The watcher's webhooks ({@code quarkus.http.port}). */
    public int watcherWebhookPort = 8080;
    public int jobPort = 8082;
    public int metricsPort = 8083;
    public int janitorPort = 8084;
    public int partitions = 3;
    /** How long a sandbox Job runs at least (so {@code kubectl get jobs -w} shows it running). */
    public Duration jobTime = Duration.ofSeconds(2);
    /** spec.pollingInterval of the sample GitRepo, and the watcher's default. */
    public String pollingInterval = "5s";
    /** Create the sample repository and the GitRepo {@code fleet-local/sample}. */
    public boolean sample = true;
    /**
     * Store GitRepos under Fleet's status schema, pruning every other status field, as a cluster with Fleet's CRD
     * does ({@link FleetStatusSchema}); off: every status field is kept, as with gitjob's own CRD.
     */
    public boolean statusPruning = true;
    /**
     * The services reach the API through its front ({@link ApiFront}), where faults are injected; off: straight to
     * the mock, as the services did before the front had faults (a benchmark that must not measure the front).
     */
    public boolean servicesThroughFront = true;
    /**
     * What the simulated cluster is: {@code fleet} (the default), a cluster with Fleet installed: the API serves
     * Fleet's Bundle, BundleDeployment and ImageScan kinds (and their CRDs), and the {@link JobRunner} plays
     * {@code fleet apply}, Fleet's bundle controller and its agent for fleet-mode Jobs ({@link FleetStandIn});
     * {@code kubectl}, a cluster without Fleet (no Fleet kind but GitRepo), gitjob standalone. job-service gets
     * the same value as {@code gitjob.job.mode}; {@code auto} is a Fleet cluster with job-service left to
     * choose by itself (from API discovery).
     */
    public String jobMode = "fleet";
    /** The services' {@code gitjob.shard-id}: empty, the default shard (GitRepos without the shard-ref label). */
    public String shardId = "";
    /**
     * Images the simulated kubelet cannot pull: a Pod of a Job using one (in any container or init container)
     * stays Pending in {@code ErrImagePull}, then {@code ImagePullBackOff}. An entry without a tag matches every
     * tag of that image. Images tagged {@code does-not-exist} are never pulled either.
     */
    public final java.util.Set<String> unpullableImages = new java.util.LinkedHashSet<>();
    /** Extra environment for every service, e.g. {@code GITJOB_METRICS_SHORT_LIVED_TTL}. */
    public final Map<String, String> serviceEnv = new LinkedHashMap<>();
    /** Each child's output on the console, prefixed; off in the tests (the log files stay). */
    public boolean echo = true;

    public static final String USAGE = """
            Options (or environment variables GITJOB_SANDBOX_<OPTION>, e.g. GITJOB_SANDBOX_KAFKA_PORT=19092):
              --work-dir=sandbox-work       where the kubeconfig, env file, logs and sample repository go
              --root=.                      the gitjob checkout whose services/target/quarkus-app are run
              --kafka-port=9092 --kafka-controller-port=9093 --api-port=8090
              --watcher-port=8081 --job-port=8082 --metrics-port=8083 --janitor-port=8084
                                            each service's /q/health and /q/metrics (the watcher's
                                            management port)
              --watcher-webhook-port=8080   the watcher's webhooks
              --partitions=3                partitions of each topic
              --job-seconds=2               how long a sandbox Job runs at least
              --polling-interval=5s         the sample GitRepo's spec.pollingInterval
              --no-sample                   no sample repository, no GitRepo
              --no-status-pruning           keep GitRepo status fields outside Fleet's CRD (pruned by default)
              --services-direct             services talk to the mock API server, not through its front
              --job-mode=fleet              fleet: a cluster with Fleet's Bundle CRD, the Job runner plays
                                            fleet apply and Fleet's agent; kubectl: no Fleet (gitjob standalone);
                                            auto: Fleet's CRD, job-service chooses by itself
              --shard-id=                   the services' gitjob.shard-id (GitRepos labelled
                                            fleet.cattle.io/shard-ref=<id>; empty: the unlabelled ones)
              --unpullable-images=a,b       images the simulated kubelet cannot pull (tag does-not-exist: never)
            """;

    private static final java.util.Set<String> OPTIONS = java.util.Set.of("work-dir", "root", "kafka-port",
            "kafka-controller-port", "api-port", "watcher-port", "watcher-webhook-port", "job-port", "metrics-port",
            "janitor-port", "partitions", "job-seconds", "polling-interval", "no-sample", "no-status-pruning",
            "services-direct", "job-mode", "shard-id", "unpullable-images");

    public static SandboxConfig fromArgs(String[] args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            String option = k.startsWith("GITJOB_SANDBOX_")
                    ? k.substring("GITJOB_SANDBOX_".length()).toLowerCase().replace('_', '-') : null;
            // Only the options' variables: others of that prefix (GITJOB_SANDBOX_SKIP_BUILD) belong to sandbox.sh.
            if (option != null && OPTIONS.contains(option)) {
                values.put(option, v);
            }
        });
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + USAGE);
            }
            int eq = arg.indexOf('=');
            values.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        SandboxConfig c = new SandboxConfig();
        for (var e : values.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "work-dir" -> c.workDir = Path.of(v);
                    case "root" -> c.root = Path.of(v);
                    case "kafka-port" -> c.kafkaPort = Integer.parseInt(v);
                    case "kafka-controller-port" -> c.kafkaControllerPort = Integer.parseInt(v);
                    case "api-port" -> c.apiPort = Integer.parseInt(v);
                    case "watcher-port" -> c.watcherPort = Integer.parseInt(v);
                    case "watcher-webhook-port" -> c.watcherWebhookPort = Integer.parseInt(v);
                    case "job-port" -> c.jobPort = Integer.parseInt(v);
                    case "metrics-port" -> c.metricsPort = Integer.parseInt(v);
                    case "janitor-port" -> c.janitorPort = Integer.parseInt(v);
                    case "partitions" -> c.partitions = Integer.parseInt(v);
                    case "job-seconds" -> c.jobTime = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
                    case "polling-interval" -> c.pollingInterval = v;
                    case "no-sample" -> c.sample = !Boolean.parseBoolean(v);
                    case "no-status-pruning" -> c.statusPruning = !Boolean.parseBoolean(v);
                    case "services-direct" -> c.servicesThroughFront = !Boolean.parseBoolean(v);
                    case "job-mode" -> c.jobMode = jobMode(v);
                    case "shard-id" -> c.shardId = v.trim();
                    case "unpullable-images" -> java.util.Arrays.stream(v.split(",")).map(String::trim)
                            .filter(i -> !i.isEmpty()).forEach(c.unpullableImages::add);
                    case "help" -> throw new IllegalArgumentException(USAGE);
                    default -> throw new IllegalArgumentException("unknown option --" + e.getKey() + "\n" + USAGE);
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--" + e.getKey() + " must be a number, was '" + v + "'");
            }
        }
        return c;
    }

    private static String jobMode(String value) {
        String mode = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("fleet", "kubectl", "auto").contains(mode)) {
            throw new IllegalArgumentException("--job-mode must be fleet, kubectl or auto, was '" + value + "'");
        }
        return mode;
    }

    /** Whether the simulated cluster has Fleet installed (its CRDs, and the stand-in for its controllers). */
    public boolean fleetInstalled() {
        return !"kubectl".equals(jobMode);
    }

    /** The gitjob checkout: {@code --root}, else the first folder upwards from here with job-service/. */
    Path root() {
        if (root != null) {
            return root.toAbsolutePath().normalize();
        }
        String property = System.getProperty("gitjob.sandbox.root");
        if (property != null) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("job-service")) && Files.isDirectory(p.resolve("watcher-service"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the gitjob checkout (a folder with job-service/): run from it "
                + "or pass --root=...");
    }

    Path workDir() {
        return (workDir != null ? workDir : root().resolve("sandbox-work")).toAbsolutePath().normalize();
    }
}
