package io.gitjob.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.eclipse.jgit.api.Git;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;

/**
 * Plays the parts of a cluster that Fabric8's mock API server lacks, for gitjob's Jobs:
 * <ul>
 * <li><b>the Job controller and the kubelet</b>: for each new Job it creates the Job's Pod, clones the GitRepo's
 * repository at the Job's commit with JGit, checks that every YAML file under the GitRepo's paths parses
 * ({@link YamlCheck}), and marks Pod and Job succeeded, or failed with a termination message naming the bad
 * file, in the shapes the real controllers write;</li>
 * <li><b>the garbage collector</b>: a deleted Job's Pods go (background propagation), and a deleted GitRepo's
 * Jobs go (their controller ownerReference).</li>
 * </ul>
 * A Job runs at least {@code jobTime}; a commit with a file {@code .sandbox/job-seconds} runs that many seconds
 * (a long-running Job, to see a spec change or a force sync replace it). Like the controllers it plays, it tries its
 * API calls again while the API server is away (the fault tests freeze it).
 */
public final class JobRunner implements AutoCloseable {

    /** The Pod label the Job controller sets, which job-service reads the termination message through. */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    static final String JOB_SECONDS_FILE = ".sandbox/job-seconds";
    /**
     * A GitRepo annotated with this set to {@code true} has its Jobs succeed at once, without a clone or a YAML
     * check: the pipeline benchmark runs 10,000 Jobs, where cloning each would measure JGit, not gitjob.
     */
    public static final String SKIP_CHECK_ANNOTATION = "sandbox.gitjob.io/skip-manifest-check";
    /** How long an API call of the runner is tried again (see {@link #untilDone}). */
    private static final Duration API_PATIENCE = Duration.ofMinutes(2);

    private final KubernetesClient client;
    private final Duration jobTime;
    private final Path scratch;
    private final Consumer<String> log;
    private final ExecutorService runs = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "sandbox-job-runner");
        t.setDaemon(true);
        return t;
    });
    /** Jobs (by uid) taken on; a Job is run once even when the informer hands it in again. */
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<GitRepo> gitRepos;

    public JobRunner(KubernetesClient client, Duration jobTime, Path scratch, Consumer<String> log) {
        this.client = client;
        this.jobTime = jobTime;
        this.scratch = scratch;
        this.log = log;
    }

    public JobRunner start() {
        jobs = client.batch().v1().jobs().inAnyNamespace()
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Job job) {
                        maybeRun(job);
                    }

                    @Override
                    public void onUpdate(Job old, Job job) {
                        maybeRun(job);
                    }

                    @Override
                    public void onDelete(Job job, boolean unknownFinalState) {
                        deleted.add(job.getMetadata().getUid());
                        runs.submit(() -> deletePods(job));
                    }
                }, 0);
        gitRepos = client.resources(GitRepo.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GitRepo gitRepo) {
            }

            @Override
            public void onUpdate(GitRepo old, GitRepo gitRepo) {
            }

            @Override
            public void onDelete(GitRepo gitRepo, boolean unknownFinalState) {
                runs.submit(() -> deleteOwnedJobs(gitRepo));
            }
        }, 0);
        return this;
    }

    private void maybeRun(Job job) {
        boolean finished = job.getStatus() != null
                && (job.getStatus().getSucceeded() != null || job.getStatus().getFailed() != null
                        || job.getStatus().getStartTime() != null);
        if (!finished && job.getMetadata().getDeletionTimestamp() == null
                && taken.add(job.getMetadata().getUid())) {
            runs.submit(() -> run(job));
        }
    }

    private void run(Job job) {
        String ns = job.getMetadata().getNamespace();
        String name = job.getMetadata().getName();
        try {
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            editJobStatus(job, j -> {
                j.setStatus(new JobStatusBuilder().withStartTime(start.toString()).withActive(1).build());
                return j;
            });
            String podName = name + "-" + Long.toHexString(System.nanoTime() & 0xfffff);
            Pod pod = untilDone(job, () -> createOrGet(new PodBuilder().withNewMetadata()
                    .withName(podName).withNamespace(ns)
                    .addToLabels(JOB_NAME_LABEL, name).addToLabels("job-name", name)
                    .addToLabels("controller-uid", job.getMetadata().getUid())
                    .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(name)
                    .withUid(job.getMetadata().getUid()).withController(true).endOwnerReference()
                    .endMetadata()
                    .withSpec(job.getSpec().getTemplate().getSpec())
                    .withNewStatus().withPhase("Running").withStartTime(start.toString()).endStatus()
                    .build()));
            log.accept("Job " + ns + "/" + name + " started (Pod " + pod.getMetadata().getName() + ")");

            Optional<String> problem = applyStep(job);
            if (deleted.contains(job.getMetadata().getUid())) {
                log.accept("Job " + ns + "/" + name + " was deleted while it ran");
                return;
            }
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            finishPod(pod, problem, start, end);
            editJobStatus(job, j -> {
                j.setStatus(problem.isEmpty()
                        ? new JobStatusBuilder().withStartTime(start.toString()).withCompletionTime(end.toString())
                                .withSucceeded(1).withConditions(
                                        condition("SuccessCriteriaMet", "CompletionsReached", end),
                                        condition("Complete", "CompletionsReached", end))
                                .build()
                        : new JobStatusBuilder().withStartTime(start.toString()).withFailed(1).withConditions(
                                condition("FailureTarget", "BackoffLimitExceeded", end),
                                condition("Failed", "BackoffLimitExceeded", end)).build());
                return j;
            });
            log.accept("Job " + ns + "/" + name + (problem.isEmpty() ? " succeeded" : " failed: " + problem.get()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || deleted.contains(job.getMetadata().getUid())) {
                log.accept("Job " + ns + "/" + name + " is gone");
            } else {
                log.accept("Job " + ns + "/" + name + " could not be run: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            log.accept("Job " + ns + "/" + name + " could not be run: " + e);
        }
    }

    /** What the Job's apply container would do: clone at the commit, check the manifests; the problem if any. */
    private Optional<String> applyStep(Job job) {
        String ns = job.getMetadata().getNamespace();
        Optional<GitRepo> gitRepo = JobConventions.gitRepoOf(job)
                .map(ref -> untilDone(job, () -> client.resources(GitRepo.class).inNamespace(ns).withName(ref.name())
                        .get()));
        if (gitRepo.isEmpty() || gitRepo.get().getSpec() == null || gitRepo.get().getSpec().getRepo() == null) {
            return Optional.of("error: the Job's GitRepo is gone or has no spec.repo");
        }
        var annotations = gitRepo.get().getMetadata().getAnnotations();
        if (annotations != null && "true".equals(annotations.get(SKIP_CHECK_ANNOTATION))) {
            return Optional.empty();
        }
        String repo = gitRepo.get().getSpec().getRepo();
        String commit = job.getMetadata().getAnnotations() == null ? null
                : job.getMetadata().getAnnotations().get(JobConventions.COMMIT_ANNOTATION);
        Path checkout = scratch.resolve(job.getMetadata().getName() + "-" + System.nanoTime());
        // Cloned with its working tree: the branch may be ahead of the Job's commit already, and from a clone
        // without one (setNoCheckout) JGit takes each file the older commit changes for a conflict with a local
        // deletion.
        try (Git git = Git.cloneRepository().setURI(repo).setDirectory(checkout.toFile()).call()) {
            // No background gc in a checkout deleted moments later.
            git.getRepository().getConfig().setInt("gc", null, "auto", 0);
            git.checkout().setName(commit == null ? "HEAD" : commit).call();
            Duration runFor = runTime(checkout);
            long until = System.nanoTime() + runFor.toNanos();
            while (System.nanoTime() < until && !deleted.contains(job.getMetadata().getUid())) {
                Thread.sleep(100);
            }
            return YamlCheck.firstProblem(checkout, gitRepo.get().getSpec().getPaths());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("error: interrupted");
        } catch (Exception e) {
            return Optional.of("error: cannot check out " + repo + " at " + commit + ": " + e.getMessage());
        } finally {
            deleteTree(checkout);
        }
    }

    private Duration runTime(Path checkout) {
        Path file = checkout.resolve(JOB_SECONDS_FILE);
        try {
            return Files.exists(file) ? Duration.ofMillis((long) (Double.parseDouble(Files.readString(file).trim())
                    * 1000)) : jobTime;
        } catch (IOException | NumberFormatException e) {
            return jobTime;
        }
    }

    private void finishPod(Pod pod, Optional<String> problem, Instant start, Instant end) {
        untilDone(null, () -> client.pods().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).editStatus(p -> {
                    p.getStatus().setPhase(problem.isEmpty() ? "Succeeded" : "Failed");
                    p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("apply")
                            .withReady(false).withRestartCount(0).withImage("sandbox/yaml-check")
                            .withState(new ContainerStateBuilder().withNewTerminated()
                                    .withExitCode(problem.isEmpty() ? 0 : 1)
                                    .withReason(problem.isEmpty() ? "Completed" : "Error")
                                    .withMessage(problem.orElse(null))
                                    .withStartedAt(start.toString()).withFinishedAt(end.toString())
                                    .endTerminated().build())
                            .build()));
                    return p;
                }));
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(String type, String reason,
            Instant at) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
                .withLastProbeTime(at.toString()).withLastTransitionTime(at.toString()).build();
    }

    private void editJobStatus(Job job, UnaryOperator<Job> change) {
        untilDone(job, () -> client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                .withName(job.getMetadata().getName()).editStatus(change));
    }

    private Pod createOrGet(Pod pod) {
        try {
            return client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
        } catch (KubernetesClientException e) {
            Pod existing = e.getCode() == 409 ? client.pods().inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).get() : null;
            if (existing == null) {
                throw e;
            }
            return existing; // an earlier attempt was stored though its answer was lost
        }
    }

    /**
     * An API call of the cluster's own controllers, again until it is done: the Job controller and the kubelet do
     * not give up on a Job because the API server was away (frozen, in the fault tests) for a while. Not again
     * when the object is gone (404) or the Job was deleted, nor after {@link #API_PATIENCE}.
     */
    private <T> T untilDone(Job job, java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + API_PATIENCE.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                boolean gone = e.getCode() == 404 || (job != null && deleted.contains(job.getMetadata().getUid()));
                if (gone || e.getCode() == 409 || e.getCode() == 422 || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void deletePods(HasMetadata job) {
        try {
            client.pods().inNamespace(job.getMetadata().getNamespace())
                    .withLabel(JOB_NAME_LABEL, job.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            log.accept("cannot delete the Pods of Job " + job.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    /** Kubernetes' garbage collector: what a deleted GitRepo owns goes with it. */
    private void deleteOwnedJobs(GitRepo gitRepo) {
        String uid = gitRepo.getMetadata().getUid();
        try {
            for (Job job : client.batch().v1().jobs().inNamespace(gitRepo.getMetadata().getNamespace()).list()
                    .getItems()) {
                if (job.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()))) {
                    client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                    deletePods(job);
                    log.accept("garbage collector: deleted Job " + job.getMetadata().getName() + " of deleted GitRepo "
                            + gitRepo.getMetadata().getName());
                }
            }
        } catch (KubernetesClientException e) {
            log.accept("garbage collector: cannot delete the Jobs of " + gitRepo.getMetadata().getName() + ": "
                    + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Trees.deleteTree(dir);
        } catch (java.io.UncheckedIOException e) {
            // A leftover checkout in the scratch folder is harmless.
        }
    }

    @Override
    public void close() {
        if (jobs != null) {
            jobs.stop();
        }
        if (gitRepos != null) {
            gitRepos.stop();
        }
        runs.shutdownNow();
    }

    static Map<String, String> longRunning(double seconds) {
        return Map.of(JOB_SECONDS_FILE, Double.toString(seconds));
    }
}
