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
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;

/**
 * Plays the parts of a cluster that Fabric8's mock API server lacks, for gitjob's Jobs:
 * <ul>
 * <li><b>the Job controller and the kubelet</b>: for each new Job it creates the Job's Pod (the template's labels
 * plus {@code batch.kubernetes.io/job-name}, {@code job-name}, {@code batch.kubernetes.io/controller-uid}, the Job
 * its controller owner), clones the repository its {@code fleet gitcloner} init container is given (its variables
 * resolved as the kubelet does, {@code $(GITJOB_REPO_URL)} from a Secret: {@link KubeletEnv}; without such a
 * container the GitRepo's {@code spec.repo}) at the Job's commit with JGit, checks that every YAML
 * file under the Job's paths parses ({@link YamlCheck}), and marks Pod and Job succeeded, or failed with a
 * termination message naming the bad file, in the shapes the real controllers write. A Job with an image the
 * kubelet cannot pull ({@link ImagePulls}) never runs: its Pod stays Pending in {@code ErrImagePull}, then
 * {@code ImagePullBackOff}, and the Job stays active (until its {@code activeDeadlineSeconds}, if any);</li>
 * <li><b>{@code fleet apply}, Fleet's bundle controller and agent</b>, when the cluster has Fleet, for a Job whose
 * container runs {@code fleet apply} ({@link FleetApplyArgs}): after the checks, {@link FleetStandIn}'s Bundles
 * and BundleDeployments;</li>
 * <li><b>the garbage collector</b>: a deleted Job's Pods go (background propagation), and what a deleted GitRepo
 * owns goes (its Jobs, Secrets, ConfigMaps, ServiceAccount, Role and RoleBinding, by ownerReference).</li>
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

    /** The Job controller's label for the Job's uid on its Pods (and the older one without a prefix). */
    static final String CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
    /** How long the kubelet shows ErrImagePull before it backs off (ImagePullBackOff). */
    private static final Duration PULL_BACK_OFF_AFTER = Duration.ofSeconds(3);

    private final KubernetesClient client;
    private final Duration jobTime;
    private final Path scratch;
    private final Consumer<String> log;
    private final ImagePulls images;
    /** Fleet's stand-in, when the cluster has Fleet: plays fleet apply for fleet-mode Jobs. */
    private final FleetStandIn fleet;
    private final java.util.concurrent.ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            r -> {
                Thread t = new Thread(r, "sandbox-kubelet-timers");
                t.setDaemon(true);
                return t;
            });
    private final ExecutorService runs = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "sandbox-job-runner");
        t.setDaemon(true);
        return t;
    });
    /** Jobs (by uid) taken on; a Job is run once even when the informer hands it in again. */
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    /** The name of the Pod made for each Job (by uid) still there. */
    private final Map<String, String> podOfJob = new ConcurrentHashMap<>();
    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<GitRepo> gitRepos;

    public JobRunner(KubernetesClient client, Duration jobTime, Path scratch, Consumer<String> log) {
        this(client, jobTime, scratch, log, java.util.Set.of(), false);
    }

    /**
     * @param unpullable images the kubelet cannot pull ({@link ImagePulls})
     * @param fleetInstalled the cluster has Fleet: fleet-mode Jobs get {@link FleetStandIn}'s Bundles
     */
    public JobRunner(KubernetesClient client, Duration jobTime, Path scratch, Consumer<String> log,
            java.util.Collection<String> unpullable, boolean fleetInstalled) {
        this.client = client;
        this.jobTime = jobTime;
        this.scratch = scratch;
        this.log = log;
        this.images = new ImagePulls(unpullable);
        this.fleet = fleetInstalled ? new FleetStandIn(client, log) : null;
    }

    /** From now on the kubelet cannot pull {@code image} (a name without a tag: any tag of it). */
    public void refusePulls(String image) {
        images.refuse(image);
    }

    public void allowPulls(String image) {
        images.allow(image);
    }

    public JobRunner start() {
        if (fleet != null) {
            fleet.start();
        }
        // The GitRepos first: a Job handed in at once is run on the GitRepo from this informer's cache.
        gitRepos = client.resources(GitRepo.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GitRepo gitRepo) {
            }

            @Override
            public void onUpdate(GitRepo old, GitRepo gitRepo) {
            }

            @Override
            public void onDelete(GitRepo gitRepo, boolean unknownFinalState) {
                runs.submit(() -> deleteOwned(gitRepo));
            }
        }, 0);
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
            patchJobStatus(job, new JobStatusBuilder().withStartTime(start.toString()).withActive(1).withReady(0)
                    .withTerminating(0).build());
            Optional<io.fabric8.kubernetes.api.model.Container> unpullable = images.firstUnpullable(
                    job.getSpec().getTemplate().getSpec());
            // The Job controller knows its Pods from its cache; this runner looks only when an earlier attempt may
            // have made the Pod (its answer lost).
            java.util.concurrent.atomic.AtomicBoolean firstAttempt = new java.util.concurrent.atomic.AtomicBoolean(true);
            Pod pod = untilDone(job, () -> (firstAttempt.getAndSet(false) ? Optional.<Pod>empty() : podOf(job))
                    .orElseGet(() -> createOrGet(newPod(job, unpullable.isPresent()
                    ? pendingStatus(job, unpullable.get(), "ErrImagePull",
                            ImagePulls.pullError(unpullable.get().getImage()), start)
                    : new PodStatusBuilder().withPhase("Running").withStartTime(start.toString()).build()))));
            podOfJob.put(job.getMetadata().getUid(), pod.getMetadata().getName());
            log.accept("Job " + ns + "/" + name + " started (Pod " + pod.getMetadata().getName() + ")");
            if (unpullable.isPresent()) {
                pullFails(job, pod, unpullable.get(), start);
                return;
            }

            Optional<String> problem = applyStep(job);
            if (deleted.contains(job.getMetadata().getUid())) {
                log.accept("Job " + ns + "/" + name + " was deleted while it ran");
                return;
            }
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            finishPod(pod, problem, start, end);
            patchJobStatus(job, problem.isEmpty()
                    ? new JobStatusBuilder().withStartTime(start.toString()).withCompletionTime(end.toString())
                            .withReady(0).withTerminating(0).withSucceeded(1).withConditions(
                                    condition("SuccessCriteriaMet", "CompletionsReached", end),
                                    condition("Complete", "CompletionsReached", end))
                            .build()
                    : new JobStatusBuilder().withStartTime(start.toString()).withReady(0).withTerminating(0)
                            .withFailed(1).withConditions(
                                    condition("FailureTarget", "BackoffLimitExceeded", end),
                                    condition("Failed", "BackoffLimitExceeded", end)).build());
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

    /** The Job's Pod, when an earlier attempt made it (its answer lost, or the runner taking the Job again). */
    private Optional<Pod> podOf(Job job) {
        return client.pods().inNamespace(job.getMetadata().getNamespace())
                .withLabel(CONTROLLER_UID_LABEL, job.getMetadata().getUid()).list().getItems().stream().findFirst();
    }

    /**
     * The Pod the Job controller creates from the Job's template: named after the Job with a random suffix, the
     * template's labels and annotations plus the controller's labels, the Job as its controller owner.
     */
    private static Pod newPod(Job job, io.fabric8.kubernetes.api.model.PodStatus status) {
        String name = job.getMetadata().getName();
        String uid = job.getMetadata().getUid();
        var template = job.getSpec().getTemplate();
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            labels.putAll(template.getMetadata().getLabels());
        }
        labels.put(CONTROLLER_UID_LABEL, uid);
        labels.put(JOB_NAME_LABEL, name);
        labels.put("controller-uid", uid);
        labels.put("job-name", name);
        return new PodBuilder().withNewMetadata()
                .withName(name + "-" + randomSuffix()).withNamespace(job.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(name)
                .withUid(uid).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                .endMetadata()
                .withSpec(template.getSpec())
                .withStatus(status)
                .build();
    }

    /** Five characters of the alphabet Kubernetes draws generated names from. */
    private static String randomSuffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var random = java.util.concurrent.ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /**
     * A Pod the kubelet cannot start because {@code failing}'s image cannot be pulled: Pending, the container
     * waiting with {@code reason}, the containers before it (init containers) done, those after it waiting.
     */
    private static io.fabric8.kubernetes.api.model.PodStatus pendingStatus(Job job, io.fabric8.kubernetes.api.model
            .Container failing, String reason, String message, Instant start) {
        var spec = job.getSpec().getTemplate().getSpec();
        boolean initFails = spec.getInitContainers().contains(failing);
        String at = start.toString();
        List<io.fabric8.kubernetes.api.model.ContainerStatus> init = new java.util.ArrayList<>();
        boolean reached = false;
        for (var c : spec.getInitContainers()) {
            if (c == failing || c.equals(failing)) {
                reached = true;
                init.add(waiting(c, reason, message));
            } else if (!reached && initFails) {
                init.add(new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                        .withRestartCount(0).withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
                        .withStartedAt(at).withFinishedAt(at).endTerminated().endState().build());
            } else if (initFails) {
                init.add(waiting(c, "PodInitializing", null));
            } else {
                init.add(new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                        .withRestartCount(0).withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
                        .withStartedAt(at).withFinishedAt(at).endTerminated().endState().build());
            }
        }
        List<io.fabric8.kubernetes.api.model.ContainerStatus> main = spec.getContainers().stream()
                .map(c -> initFails ? waiting(c, "PodInitializing", null)
                        : c.equals(failing) ? waiting(c, reason, message) : waiting(c, "ContainerCreating", null))
                .toList();
        return new PodStatusBuilder().withPhase("Pending").withStartTime(at)
                .addNewCondition().withType("PodReadyToStartContainers").withStatus("True")
                .withLastTransitionTime(at).endCondition()
                .addNewCondition().withType("Initialized").withStatus(initFails ? "False" : "True")
                .withReason(initFails ? "ContainersNotInitialized" : null)
                .withMessage(initFails ? "containers with incomplete status: [" + failing.getName() + "]" : null)
                .withLastTransitionTime(at).endCondition()
                .addNewCondition().withType("Ready").withStatus("False").withReason("ContainersNotReady")
                .withLastTransitionTime(at).endCondition()
                .addNewCondition().withType("ContainersReady").withStatus("False").withReason("ContainersNotReady")
                .withLastTransitionTime(at).endCondition()
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(at)
                .endCondition()
                .withInitContainerStatuses(init).withContainerStatuses(main).build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus waiting(io.fabric8.kubernetes.api.model.Container c,
            String reason, String message) {
        return new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withImageID("")
                .withReady(false).withRestartCount(0).withStarted(false)
                .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
                .build();
    }

    /**
     * The kubelet that cannot pull: after {@link #PULL_BACK_OFF_AFTER} the Pod shows ImagePullBackOff and stays so;
     * the Job never completes, unless its {@code activeDeadlineSeconds} pass: then the Job controller deletes the
     * Pod and fails the Job ({@code DeadlineExceeded}), as Kubernetes does.
     */
    private void pullFails(Job job, Pod pod, io.fabric8.kubernetes.api.model.Container failing, Instant start) {
        String ns = job.getMetadata().getNamespace();
        log.accept("Job " + ns + "/" + job.getMetadata().getName() + ": Pod " + pod.getMetadata().getName()
                + " cannot pull " + failing.getImage() + " (ErrImagePull)");
        timers.schedule(() -> {
            if (deleted.contains(job.getMetadata().getUid())) {
                return;
            }
            try {
                client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).editStatus(p -> {
                    p.setStatus(pendingStatus(job, failing, "ImagePullBackOff", ImagePulls.backOff(failing.getImage()),
                            start));
                    return p;
                });
            } catch (KubernetesClientException e) {
                log.accept("kubelet: cannot update Pod " + pod.getMetadata().getName() + ": " + e.getMessage());
            }
        }, PULL_BACK_OFF_AFTER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        Long deadline = job.getSpec().getActiveDeadlineSeconds();
        if (deadline != null && deadline > 0) {
            long delay = Math.max(0, start.plusSeconds(deadline).toEpochMilli() - System.currentTimeMillis());
            timers.schedule(() -> runs.submit(() -> deadlineExceeded(job, pod)), delay,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void deadlineExceeded(Job job, Pod pod) {
        if (deleted.contains(job.getMetadata().getUid())) {
            return;
        }
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            editJobStatus(job, j -> {
                var status = j.getStatus() == null ? new JobStatusBuilder().build() : j.getStatus();
                j.setStatus(new JobStatusBuilder().withStartTime(status.getStartTime()).withFailed(1).withActive(0)
                        .withReady(0).withTerminating(0).withConditions(
                                deadlineCondition("FailureTarget", end), deadlineCondition("Failed", end)).build());
                return j;
            });
            log.accept("Job " + job.getMetadata().getNamespace() + "/" + job.getMetadata().getName()
                    + " failed: DeadlineExceeded");
        } catch (KubernetesClientException e) {
            log.accept("Job " + job.getMetadata().getName() + ": cannot fail it past its deadline: " + e.getMessage());
        }
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition deadlineCondition(String type, Instant at) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason("DeadlineExceeded")
                .withMessage("Job was active longer than specified deadline").withLastProbeTime(at.toString())
                .withLastTransitionTime(at.toString()).build();
    }

    /** What the Job's apply container would do: clone at the commit, check the manifests; the problem if any. */
    private Optional<String> applyStep(Job job) {
        String ns = job.getMetadata().getNamespace();
        // From the informer's cache, as the kubelet would have it in the Pod's spec; a GitRepo made a moment ago
        // may not be there yet.
        Optional<GitRepo> gitRepo = JobConventions.gitRepoOf(job)
                .map(ref -> Optional.ofNullable(gitRepos.getStore().getByKey(ns + "/" + ref.name()))
                        .orElseGet(() -> untilDone(job, () -> client.resources(GitRepo.class).inNamespace(ns)
                                .withName(ref.name()).get())));
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
        Optional<FleetApplyArgs> fleetApply = fleet == null ? Optional.empty() : FleetApplyArgs.of(job);
        if (fleetApply.isPresent()) {
            // The fleet container's COMMIT when the Job names it, as Fleet's does.
            commit = commit != null ? commit : fleetApply.get().commit();
        }
        String specRepo = repo;
        try {
            // The repository the Job's gitcloner is given, as the kubelet starts it: a URL with credentials comes
            // from a Secret through $(GITJOB_REPO_URL), never from the Job itself.
            repo = clonerRepo(job).orElse(repo);
        } catch (RuntimeException e) {
            return Optional.of("error: " + e.getMessage());
        }
        try (Git git = Git.cloneRepository().setURI(repo).setDirectory(checkout.toFile()).call()) {
            // No background gc in a checkout deleted moments later.
            git.getRepository().getConfig().setInt("gc", null, "auto", 0);
            git.checkout().setName(commit == null ? "HEAD" : commit).call();
            Duration runFor = runTime(checkout);
            long until = System.nanoTime() + runFor.toNanos();
            while (System.nanoTime() < until && !deleted.contains(job.getMetadata().getUid())) {
                Thread.sleep(100);
            }
            List<String> paths = fleetApply.map(FleetApplyArgs::paths).orElse(gitRepo.get().getSpec().getPaths());
            Optional<String> problem = YamlCheck.firstProblem(checkout, paths);
            if (problem.isEmpty() && fleetApply.isPresent() && !deleted.contains(job.getMetadata().getUid())) {
                String checkedOut = git.getRepository().resolve("HEAD").getName();
                List<String> bundles = fleet.apply(fleetApply.get(), ns, checkout, checkedOut);
                if (bundles.isEmpty()) {
                    return Optional.of("error: no resource found at the following paths to deploy: " + paths);
                }
            }
            return problem;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("error: interrupted");
        } catch (Exception e) {
            // The message goes into the Pod's status: no credential of the URL in it, as none is in the Job.
            return Optional.of(hideUserinfo("error: cannot check out " + repo + " at " + commit + ": "
                    + e.getMessage(), repo, specRepo));
        } finally {
            deleteTree(checkout);
        }
    }

    /**
     * The first argument after {@code fleet gitcloner} of the Job's cloner init container (Fleet's Job and the
     * kubectl-mode template have one), with the container's variables resolved as the kubelet does.
     */
    private Optional<String> clonerRepo(Job job) {
        var pod = job.getSpec().getTemplate().getSpec();
        for (var c : pod.getInitContainers()) {
            List<String> raw = KubeletEnv.words(c, Map.of());
            if (raw.size() > 2 && "fleet".equals(raw.get(0)) && "gitcloner".equals(raw.get(1))) {
                Map<String, String> env = KubeletEnv.resolve(client, job.getMetadata().getNamespace(), c);
                return Optional.of(KubeletEnv.words(c, env).get(2));
            }
        }
        return Optional.empty();
    }

    /** {@code text} without the userinfo of either URL, nor its secret part alone (Git may name the user only). */
    static String hideUserinfo(String text, String... urls) {
        String hidden = text;
        for (String url : urls) {
            int scheme = url == null ? -1 : url.indexOf("://");
            if (scheme < 0) {
                continue;
            }
            int end = url.indexOf('/', scheme + 3);
            String authority = url.substring(scheme + 3, end < 0 ? url.length() : end);
            int at = authority.lastIndexOf('@');
            if (at <= 0) {
                continue;
            }
            String userinfo = authority.substring(0, at);
            hidden = hidden.replace(userinfo, "***");
            for (String part : userinfo.split(":")) {
                if (part.length() >= 8) {
                    hidden = hidden.replace(part, "***");
                }
            }
        }
        return hidden;
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

    /** The Pod's containers terminated (the first with the problem as its termination message), init ones done. */
    private void finishPod(Pod pod, Optional<String> problem, Instant start, Instant end) {
        var spec = pod.getSpec();
        List<io.fabric8.kubernetes.api.model.Container> containers = spec == null || spec.getContainers().isEmpty()
                ? List.of(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("apply")
                        .withImage("sandbox/yaml-check").build())
                : spec.getContainers();
        List<io.fabric8.kubernetes.api.model.ContainerStatus> init = spec == null ? List.of()
                : spec.getInitContainers().stream().map(c -> terminated(c, 0, "Completed", null, start, start)).toList();
        List<io.fabric8.kubernetes.api.model.ContainerStatus> main = new java.util.ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            boolean failed = problem.isPresent() && i == 0;
            main.add(terminated(containers.get(i), failed ? 1 : 0, failed ? "Error" : "Completed",
                    failed ? problem.get() : null, start, end));
        }
        // One merge patch, as the kubelet's status manager sends: the phase and both lists whole.
        var status = Serialization.jsonMapper().createObjectNode();
        status.put("phase", problem.isEmpty() ? "Succeeded" : "Failed");
        status.set("initContainerStatuses", Serialization.jsonMapper().valueToTree(init));
        status.set("containerStatuses", Serialization.jsonMapper().valueToTree(main));
        String patch = Serialization.jsonMapper().createObjectNode().set("status", status).toString();
        untilDone(null, () -> client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(named(pod))
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    }

    /** Items with only the object's name: Fabric8 patches an item without reading it first (by name it would). */
    private static Pod named(Pod pod) {
        return new PodBuilder().withNewMetadata().withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).endMetadata().build();
    }

    private static Job named(Job job) {
        return new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata()
                .withNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName()).endMetadata()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus terminated(
            io.fabric8.kubernetes.api.model.Container c, int exitCode, String reason, String message, Instant start,
            Instant end) {
        return new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                .withRestartCount(0).withStarted(false)
                .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
                        .withMessage(message).withStartedAt(start.toString()).withFinishedAt(end.toString())
                        .endTerminated().build())
                .build();
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(String type, String reason,
            Instant at) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
                .withLastProbeTime(at.toString()).withLastTransitionTime(at.toString()).build();
    }

    /**
     * The Job's status set to {@code status} in one merge patch, as the Job controller writes it (with no read:
     * it knows the Job from its cache); {@code active} goes when the new status has none.
     */
    private void patchJobStatus(Job job, io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) Serialization.jsonMapper().valueToTree(status);
        if (status.getActive() == null) {
            node.putNull("active");
        }
        String patch = Serialization.jsonMapper().createObjectNode().set("status", node).toString();
        untilDone(job, () -> client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                .resource(named(job)).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch));
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
            String pod = podOfJob.remove(job.getMetadata().getUid());
            if (pod != null) {
                // The Pod this runner made: by name, one request (the garbage collector knows it from its graph).
                client.pods().inNamespace(job.getMetadata().getNamespace()).withName(pod).delete();
                return;
            }
            client.pods().inNamespace(job.getMetadata().getNamespace())
                    .withLabel(JOB_NAME_LABEL, job.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            log.accept("cannot delete the Pods of Job " + job.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    /**
     * Kubernetes' garbage collector: what a deleted GitRepo owns goes with it: its Jobs (and their Pods), and the
     * namespaced objects job-service makes for it (Secrets, ConfigMaps, the ServiceAccount, Role and RoleBinding).
     */
    private void deleteOwned(GitRepo gitRepo) {
        String uid = gitRepo.getMetadata().getUid();
        String ns = gitRepo.getMetadata().getNamespace();
        List<java.util.function.Supplier<List<? extends HasMetadata>>> kinds = List.of(
                () -> client.secrets().inNamespace(ns).list().getItems(),
                () -> client.configMaps().inNamespace(ns).list().getItems(),
                () -> client.serviceAccounts().inNamespace(ns).list().getItems(),
                () -> client.rbac().roles().inNamespace(ns).list().getItems(),
                () -> client.rbac().roleBindings().inNamespace(ns).list().getItems());
        for (var kind : kinds) {
            try {
                for (HasMetadata owned : kind.get()) {
                    if (owned.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()))) {
                        client.resource(owned).delete();
                    }
                }
            } catch (KubernetesClientException e) {
                log.accept("garbage collector: cannot delete what " + gitRepo.getMetadata().getName() + " owns: "
                        + e.getMessage());
            }
        }
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
        if (fleet != null) {
            fleet.close();
        }
        timers.shutdownNow();
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
