package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.testing.Scrape;

/**
 * What the end-to-end tests do and read, as a user would: commits to Git repositories, the cluster through the
 * sandbox's API server (<b>Fabric8's mock API server</b>), and the services' {@code /q/metrics}. It also watches
 * every Job ever created, as {@code kubectl get jobs -w} would, so a test can tell that no second Job appeared even
 * briefly.
 */
final class SandboxUser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String NS = Sandbox.NAMESPACE;

    private final Sandbox sandbox;
    private final KubernetesClient client;
    private final Path repos;
    private final SharedIndexInformer<Job> jobWatch;
    /** Every Job name seen per GitRepo, running or not. */
    private final Map<String, Set<String>> jobsSeen = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    SandboxUser(Sandbox sandbox) {
        this.sandbox = sandbox;
        this.client = sandbox.client();
        this.repos = sandbox.workDir().resolve("repos");
        this.jobWatch = client.batch().v1().jobs().inNamespace(NS).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                String gitRepo = job.getMetadata().getLabels() == null ? null
                        : job.getMetadata().getLabels().get(JobConventions.GITREPO_LABEL);
                if (gitRepo != null) {
                    jobsSeen.computeIfAbsent(gitRepo, k -> ConcurrentHashMap.newKeySet()).add(job.getMetadata().getName());
                }
            }

            @Override
            public void onUpdate(Job old, Job job) {
                onAdd(job);
            }

            @Override
            public void onDelete(Job job, boolean unknown) {
            }
        }, 0);
    }

    /** A sandbox configuration for tests: free ports, a fresh work folder under target, polling every second. */
    static SandboxConfig testConfig(String workFolder) {
        Path work = Path.of("target", workFolder).toAbsolutePath();
        Trees.deleteTree(work);
        SandboxConfig config = new SandboxConfig();
        config.workDir = work;
        config.kafkaPort = Ports.anyFree();
        config.kafkaControllerPort = Ports.anyFree();
        config.apiPort = Ports.anyFree();
        config.watcherPort = Ports.anyFree();
        config.watcherWebhookPort = Ports.anyFree();
        config.jobPort = Ports.anyFree();
        config.metricsPort = Ports.anyFree();
        config.janitorPort = Ports.anyFree();
        config.jobTime = Duration.ZERO;
        config.pollingInterval = "1s";
        config.sample = false;
        config.echo = false;
        // Today's standalone Jobs, which these suites were written for; the fleet-mode suite sets "fleet".
        config.jobMode = "kubectl";
        return config;
    }

    KubernetesClient client() {
        return client;
    }

    // --- Git ---

    /** A new Git repository with two manifests under {@code deploy/}. */
    SampleRepo repo(String name) {
        return SampleRepo.createIfAbsent(repos.resolve(name), Map.of(
                "deploy/configmap.yaml", configMap("one"),
                "deploy/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n"));
    }

    static String configMap(String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  value: " + value + "\n";
    }

    static String brokenYaml() {
        return "data: [unclosed\n";
    }

    static String headOf(SampleRepo repo) {
        try (var git = org.eclipse.jgit.api.Git.open(repo.dir().toFile())) {
            return git.getRepository().resolve("HEAD").getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the cluster ---

    /**
     * Waits until the GitRepo records {@code commit} as applied (its Job succeeded) and only failed Jobs of it are
     * left: job-service writes the status just before it deletes the succeeded Job.
     */
    void awaitApplied(String gitRepo, String commit) {
        await().atMost(WAIT).until(() -> commit.equals(status(gitRepo).getCommit())
                && "Current".equals(status(gitRepo).getGitJobStatus())
                && jobsOf(gitRepo).stream().allMatch(SandboxUser::failed));
    }

    static boolean failed(Job job) {
        return job.getStatus() != null && job.getStatus().getFailed() != null && job.getStatus().getFailed() > 0;
    }

    Job awaitOneRunningJob(String gitRepo) {
        await().atMost(WAIT).until(() -> jobsOf(gitRepo).stream().filter(SandboxUser::running).count() == 1);
        return jobsOf(gitRepo).stream().filter(SandboxUser::running).findFirst().orElseThrow();
    }

    static boolean running(Job job) {
        return job.getStatus() == null || (job.getStatus().getSucceeded() == null && job.getStatus().getFailed() == null);
    }

    /** Every Job of the GitRepo seen since the test started, deleted ones too. */
    Set<String> seen(String gitRepo) {
        return Set.copyOf(jobsSeen.getOrDefault(gitRepo, Set.of()));
    }

    /** Every Job seen since the test started, per GitRepo. */
    Map<String, Set<String>> seen() {
        Map<String, Set<String>> copy = new java.util.TreeMap<>();
        jobsSeen.forEach((gitRepo, names) -> copy.put(gitRepo, Set.copyOf(names)));
        return copy;
    }

    List<Job> jobsOf(String gitRepo) {
        return client.batch().v1().jobs().inNamespace(NS).withLabel(JobConventions.GITREPO_LABEL, gitRepo).list()
                .getItems();
    }

    List<String> podsOf(Set<String> jobNames) {
        return client.pods().inNamespace(NS).list().getItems().stream()
                .filter(p -> p.getMetadata().getLabels() != null
                        && jobNames.contains(p.getMetadata().getLabels().get(JobRunner.JOB_NAME_LABEL)))
                .map(p -> p.getMetadata().getName()).toList();
    }

    GitRepoStatus status(String gitRepo) {
        GitRepo current = client.resources(GitRepo.class).inNamespace(NS).withName(gitRepo).get();
        assertNotNull(current, "GitRepo " + gitRepo);
        return current.getStatus() == null ? new GitRepoStatus() : current.getStatus();
    }

    GitRepoCondition condition(String gitRepo, String type) {
        return status(gitRepo).getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition on " + gitRepo));
    }

    /**
     * Edits a GitRepo's spec as {@code kubectl edit} would, again on a conflict: the services write its status
     * meanwhile, and the API server refuses a change made to an older version (409).
     */
    void editSpec(String gitRepo, Consumer<GitRepoSpec> change) {
        for (int attempt = 1;; attempt++) {
            try {
                client.resources(GitRepo.class).inNamespace(NS).withName(gitRepo).edit(g -> {
                    change.accept(g.getSpec());
                    return g;
                });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    void delete(String gitRepo) {
        client.resources(GitRepo.class).inNamespace(NS).withName(gitRepo).delete();
    }

    // --- /q/metrics ---

    /** metrics-service's {@code /q/metrics}, as Prometheus scrapes it. */
    String scrape() {
        return scrape(sandbox.url(Sandbox.Service.METRICS));
    }

    /** {@code /q/metrics} of the service at {@code baseUrl} (a replica, say). */
    String scrape(String baseUrl) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics")).header("Accept", "text/plain")
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    double metric(String name, String gitRepo) {
        return Scrape.valueIn(scrape(), name, "name", gitRepo, "namespace", NS);
    }

    boolean exists(String name, String gitRepo) {
        return Scrape.existsIn(scrape(), name, "name", gitRepo, "namespace", NS);
    }

    /** Every sample line carrying the GitRepo's labels, whatever the metric. */
    static List<String> seriesOf(String text, String gitRepo) {
        return text.lines().filter(l -> !l.startsWith("#"))
                .filter(l -> l.contains("name=\"" + gitRepo + "\"") && l.contains("namespace=\"" + NS + "\"")).toList();
    }

    /** Every GitRepo sample line of the namespace, sorted, without exemplars: what a dashboard shows. */
    static List<String> gitRepoSeries(String text) {
        return text.lines().filter(l -> !l.startsWith("#") && l.contains("namespace=\"" + NS + "\""))
                .map(l -> l.contains(" # ") ? l.substring(0, l.indexOf(" # ")) : l).sorted().toList();
    }

    @Override
    public void close() {
        jobWatch.stop();
    }
}
