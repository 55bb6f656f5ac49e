package io.gitjob.job.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.job.decision.Action;

/**
 * Builds the fleet-mode Job: the Job Fleet v0.16.1's gitjob creates for the same GitRepo
 * ({@code internal/cmd/controller/gitops/reconciler/gitjob.go}), in gitjob's {@link JobEnvelope}. The init container
 * {@code fleet gitcloner} clones into /workspace; {@code fleet apply} turns the paths into Bundles with the GitRepo's
 * options. Containers, arguments, environment, volumes, mounts and security context are Fleet's, in Fleet's order.
 * What Fleet reads from its own Deployment or from Rancher is configured ({@link JobSettings}) or left out (the
 * Rancher CA bundle; image pull Secrets are named, not copied). Two differences: a {@code spec.repo} with credentials
 * in it reaches the cloner from a Secret ({@link CloneUrl}), never as the argument Fleet writes into the Job, and so
 * does a basic-auth user name ({@link GitClone}).
 */
public final class FleetJobFactory {

    static final String CONTAINER = "fleet";
    static final String INIT_CONTAINER = "gitcloner-initializer";
    static final String TARGETS_FILE = "/run/config/" + TargetsFile.KEY;
    static final String WORKING_DIR = "/workspace/source";
    static final String HOME = "/fleet-home";
    static final String HELM_DIR = "/etc/fleet/helm";
    /** Fleet tries these, in order, to join a bundle's base and options paths in one argument. */
    static final String SEPARATORS = ":,|?<>";

    private final JobSettings settings;

    public FleetJobFactory(JobSettings settings) {
        this.settings = settings;
    }

    public Job build(GitRepo gitRepo, Action.CreateJob create, ReferencedObjects objects) {
        GitRepoSpec spec = gitRepo.getSpec();
        GitClone clone = GitClone.of(gitRepo, objects, settings, null, null);
        TargetsFile targets = TargetsFile.of(gitRepo);

        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("config").withNewConfigMap().withName(targets.configMapName())
                .endConfigMap().build());
        volumes.add(emptyDir("fleet-tmp-empty-dir"));
        volumes.add(emptyDir("fleet-home-empty-dir"));
        mounts.add(mount("config", "/run/config"));
        mounts.add(mount("fleet-tmp-empty-dir", "/tmp"));
        mounts.add(mount("fleet-home-empty-dir", HOME));

        boolean helmInsecure = false;
        boolean helmBasicHttp = false;
        if (!blank(spec.getHelmSecretNameForPaths())) {
            helmVolumes(objects, spec.getHelmSecretNameForPaths(), "spec.helmSecretNameForPaths",
                    "helm-secret-by-path", volumes, mounts);
        } else if (!blank(spec.getHelmSecretName())) {
            Secret helm = helmVolumes(objects, spec.getHelmSecretName(), "spec.helmSecretName", "helm-secret",
                    volumes, mounts);
            helmInsecure = goBool(helm, "insecureSkipVerify");
            helmBasicHttp = goBool(helm, "basicHTTP");
        }
        // spec.insecureSkipTLSVerify covers every Git and Helm fetch of fleet apply too.
        helmInsecure = helmInsecure || Boolean.TRUE.equals(spec.getInsecureSkipTLSVerify());

        volumes.add(emptyDir("git-cloner"));
        volumes.add(emptyDir("git-cloner-empty-dir"));
        if (clone.caBundle()) {
            volumes.add(secretVolume("additional-ca", FleetNames.caBundleSecret(gitRepo)));
        }
        if (clone.credentialsSecret() != null) {
            volumes.add(secretVolume("git-credential", clone.credentialsSecret()));
        }
        mounts.add(mount("git-cloner", WORKING_DIR));

        List<String> paths = new ArrayList<>(spec.getPaths() == null || spec.getPaths().isEmpty() ? List.of(".")
                : spec.getPaths());
        String separator = "";
        if (spec.getBundles() != null && !spec.getBundles().isEmpty()) {
            separator = drivenScanSeparator(spec);
            paths.clear();
            for (var bundle : spec.getBundles()) {
                String base = bundle.getBase() == null ? "" : bundle.getBase();
                paths.add(blank(bundle.getOptions()) ? base : base + separator + bundle.getOptions());
            }
        }

        List<String> args = applyArgs(gitRepo, create, separator, helmInsecure, helmBasicHttp);
        args.addAll(paths);
        List<EnvVar> env = applyEnv(gitRepo, create);
        if (!clone.knownHosts().isEmpty()) {
            env.add(new EnvVar(GitClone.KNOWN_HOSTS_ENV, clone.knownHosts(), null));
        }
        env.add(new EnvVar("COMMIT", create.commit(), null));
        env.addAll(settings.proxyEnv());

        Container fleet = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.fleetImage())
                .withCommand("fleet")
                .withArgs(args)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withWorkingDir(WORKING_DIR)
                .withVolumeMounts(mounts)
                .withEnv(env)
                .withSecurityContext(securityContext())
                .build();

        PodTemplateSpec pod = new PodTemplateSpecBuilder()
                .withNewMetadata().endMetadata()
                .withNewSpec()
                .withVolumes(volumes)
                .withNewSecurityContext().withRunAsUser(1000L).endSecurityContext()
                .withServiceAccountName(FleetNames.serviceAccount(gitRepo))
                .withRestartPolicy("Never")
                .withInitContainers(cloner(gitRepo, clone))
                .withContainers(fleet)
                .withNodeSelector(new LinkedHashMap<>(Map.of("kubernetes.io/os", "linux")))
                .withTolerations(
                        toleration("cattle.io/os", "linux"),
                        toleration("node.cloudprovider.kubernetes.io/uninitialized", "true"))
                .endSpec()
                .build();
        return JobEnvelope.wrap(gitRepo, create, pod, settings);
    }

    private Container cloner(GitRepo gitRepo, GitClone clone) {
        CloneUrl url = CloneUrl.of(gitRepo);
        List<String> args = new ArrayList<>(List.of("gitcloner", url.argument(), "/workspace"));
        args.addAll(clone.flags());
        List<VolumeMount> mounts = new ArrayList<>(List.of(mount("git-cloner", "/workspace"),
                mount("git-cloner-empty-dir", "/tmp")));
        if (clone.credentialsSecret() != null) {
            mounts.add(mount("git-credential", clone.credentialsMountPath()));
        }
        if (clone.caBundle()) {
            mounts.add(mount("additional-ca", GitClone.CA_BUNDLE_DIR));
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("FLEET_JSON_OUTPUT", "true", null));
        env.addAll(settings.proxyEnv());
        // Only with strict checks: known hosts given to a lenient cloner would make it refuse unknown hosts.
        if (settings.strictHostKeyChecks()) {
            env.add(new EnvVar(GitClone.KNOWN_HOSTS_ENV, clone.knownHosts(), null));
        }
        // Last, so that Fleet's variables keep Fleet's order; args may name a variable wherever it is defined.
        env.addAll(clone.env());
        url.env(gitRepo).ifPresent(env::add);
        return new ContainerBuilder()
                .withName(INIT_CONTAINER)
                .withImage(settings.fleetImage())
                .withCommand("fleet")
                .withArgs(args)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withVolumeMounts(mounts)
                .withEnv(env)
                .withSecurityContext(securityContext())
                .build();
    }

    private List<String> applyArgs(GitRepo gitRepo, Action.CreateJob create, String separator, boolean helmInsecure,
            boolean helmBasicHttp) {
        GitRepoSpec spec = gitRepo.getSpec();
        List<String> args = new ArrayList<>(List.of("apply"));
        if (settings.debug()) {
            args.addAll(List.of("--debug", "--debug-level", "9"));
        }
        args.add("--targets-file=" + TARGETS_FILE);
        args.add("--label=" + bundleLabels(gitRepo));
        args.addAll(List.of("--namespace", gitRepo.getMetadata().getNamespace()));
        args.addAll(List.of("--service-account", text(spec.getServiceAccount())));
        args.add("--sync-generation=" + create.forceSyncGeneration());
        args.add("--paused=" + Boolean.TRUE.equals(spec.getPaused()));
        args.addAll(List.of("--target-namespace", text(spec.getTargetNamespace())));
        if (settings.imagescan()) {
            args.add("--imagescan-enabled");
        }
        if (Boolean.TRUE.equals(spec.getKeepResources())) {
            args.add("--keep-resources");
        }
        if (Boolean.TRUE.equals(spec.getDeleteNamespace())) {
            args.add("--delete-namespace");
        }
        var drift = spec.getCorrectDrift();
        if (drift != null && Boolean.TRUE.equals(drift.getEnabled())) {
            args.add("--correct-drift");
            if (Boolean.TRUE.equals(drift.getForce())) {
                args.add("--correct-drift-force");
            }
            if (Boolean.TRUE.equals(drift.getKeepFailHistory())) {
                args.add("--correct-drift-keep-fail-history");
            }
        }
        if (!blank(spec.getHelmSecretNameForPaths())) {
            args.addAll(List.of("--helm-credentials-by-path-file", HELM_DIR + "/secrets-path.yaml"));
        } else if (!blank(spec.getHelmSecretName())) {
            args.addAll(List.of("--password-file", HELM_DIR + "/password", "--ssh-privatekey-file",
                    HELM_DIR + "/ssh-privatekey", "--cacerts-file", HELM_DIR + "/cacerts"));
            if (!blank(spec.getHelmRepoURLRegex())) {
                args.addAll(List.of("--helm-repo-url-regex", spec.getHelmRepoURLRegex()));
            }
        }
        if (settings.ociStorage()) {
            args.addAll(List.of("--oci-registry-secret", text(spec.getOciRegistrySecret())));
        }
        if (spec.getBundles() != null && !spec.getBundles().isEmpty()) {
            args.add("--driven-scan");
            if (!separator.isEmpty()) {
                args.addAll(List.of("--driven-scan-sep", separator));
            }
        }
        if (helmInsecure) {
            args.add("--helm-insecure-skip-tls");
        }
        if (helmBasicHttp) {
            args.add("--helm-basic-http");
        }
        args.addAll(List.of("--", gitRepo.getMetadata().getName()));
        return args;
    }

    private List<EnvVar> applyEnv(GitRepo gitRepo, Action.CreateJob create) {
        GitRepoSpec spec = gitRepo.getSpec();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("HOME", HOME, null));
        env.add(new EnvVar("FLEET_JSON_OUTPUT", "true", null));
        env.add(new EnvVar("JOB_NAME", create.jobName(), null));
        env.add(new EnvVar("FLEET_APPLY_CONFLICT_RETRIES", Integer.toString(settings.applyConflictRetries()), null));
        env.add(new EnvVar("FLEET_BUNDLE_CREATION_MAX_CONCURRENCY",
                Integer.toString(settings.bundleCreationMaxConcurrency()), null));
        if (blank(spec.getHelmSecretNameForPaths()) && !blank(spec.getHelmSecretName())) {
            env.add(new EnvVarBuilder().withName("HELM_USERNAME").withNewValueFrom().withNewSecretKeyRef()
                    .withName(spec.getHelmSecretName()).withKey("username").withOptional(true).endSecretKeyRef()
                    .endValueFrom().build());
        }
        if (!settings.ociStorage()) {
            env.add(new EnvVar("OCI_STORAGE", "false", null));
        }
        return env;
    }

    /**
     * The GitRepo's labels and {@code fleet.cattle.io/repo-name}, as Kubernetes writes a label set: sorted, k=v.
     * Unlike Fleet, without {@code fleet.cattle.io/shard-ref}: {@code fleet apply} copies these onto the Bundles,
     * and a Bundle labelled with gitjob's shard id would be ignored by Fleet's bundle controller of the default
     * shard, which is the one that deploys it (docs/operations.md, migration by shard).
     */
    static String bundleLabels(GitRepo gitRepo) {
        Map<String, String> labels = new TreeMap<>();
        if (gitRepo.getMetadata().getLabels() != null) {
            labels.putAll(gitRepo.getMetadata().getLabels());
        }
        labels.remove(FleetConventions.SHARD_REF_LABEL);
        labels.put(FleetConventions.REPO_NAME_LABEL, gitRepo.getMetadata().getName());
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /**
     * The Helm secret's volume (and its {@code cacerts} as the system CA certificates, when it has that key), as
     * Fleet mounts it. Fleet mounts a missing Secret anyway, and the Pod then never starts; here it is refused with
     * the reason instead.
     */
    private static Secret helmVolumes(ReferencedObjects objects, String name, String field, String volume,
            List<Volume> volumes, List<VolumeMount> mounts) {
        Optional<Secret> secret = objects.secret(name);
        if (secret.isEmpty()) {
            throw new InvalidGitRepoException(field + " names Secret " + name
                    + ", which does not exist in the GitRepo's namespace");
        }
        volumes.add(secretVolume(volume, name));
        mounts.add(mount(volume, HELM_DIR));
        if (secret.get().getData() != null && secret.get().getData().containsKey("cacerts")) {
            volumes.add(new VolumeBuilder().withName(volume + "-cert").withNewSecret().withSecretName(name)
                    .withItems(new KeyToPathBuilder().withKey("cacerts").withPath("cacert.crt").build()).endSecret().build());
            mounts.add(mount(volume + "-cert", "/etc/ssl/certs"));
        }
        return secret.get();
    }

    /** Go's strconv.ParseBool of a Secret key; absent or unparsable is false, as these relax security. */
    private static boolean goBool(Secret secret, String key) {
        String value = secret.getData() == null ? null : secret.getData().get(key);
        if (value == null) {
            return false;
        }
        String decoded = new String(Base64.getDecoder().decode(value.trim()), StandardCharsets.UTF_8);
        return Set.of("1", "t", "T", "TRUE", "true", "True").contains(decoded);
    }

    static String drivenScanSeparator(GitRepoSpec spec) {
        for (char c : SEPARATORS.toCharArray()) {
            boolean used = spec.getBundles().stream().anyMatch(b -> text(b.getBase()).indexOf(c) >= 0
                    || text(b.getOptions()).indexOf(c) >= 0);
            if (!used) {
                return String.valueOf(c);
            }
        }
        throw new InvalidGitRepoException("spec.bundles: every base or options path together uses all of the"
                + " characters " + SEPARATORS + ", one of which must stay free to join a base and its options;"
                + " rename a path");
    }

    static SecurityContext securityContext() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withPrivileged(false)
                .withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    private static Toleration toleration(String key, String value) {
        return new TolerationBuilder().withKey(key).withOperator("Equal").withValue(value).withEffect("NoSchedule")
                .build();
    }

    private static Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
    }

    private static Volume secretVolume(String name, String secret) {
        return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secret).endSecret().build();
    }

    private static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).build();
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
