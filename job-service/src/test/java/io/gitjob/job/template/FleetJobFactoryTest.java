package io.gitjob.job.template;

import static io.gitjob.job.template.Fixtures.CREATE;
import static io.gitjob.job.template.Fixtures.KNOWN_HOSTS;
import static io.gitjob.job.template.Fixtures.b64;
import static io.gitjob.job.template.Fixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobMode;

/**
 * The fleet-mode Job against the Job rancher/fleet v0.16.1's gitjob builds for the same GitRepo
 * ({@code internal/cmd/controller/gitops/reconciler/gitjob.go}: newGitJob, newJobSpec, newGitCloner, argsAndEnvs,
 * volumes, volumesFromSecret, proxyEnvVars), written out from that source. Where gitjob's Job differs it is said:
 * gitjob's own labels, the Job name and the deadline come from gitjob; the Rancher CA bundle fallback is absent; the
 * basic-auth user name, which Fleet writes into the args, is {@code $(GITJOB_GIT_USERNAME)} from the Secret.
 */
class FleetJobFactoryTest {

    private static final String FLEET_V0_16_1_POD = """
            metadata:
              labels:
                app.kubernetes.io/managed-by: gitjob
                gitjob.io/gitrepo: simple
            spec:
              volumes:
              - name: config
                configMap: {name: simple-config-3e7c3f048240}
              - name: fleet-tmp-empty-dir
                emptyDir: {}
              - name: fleet-home-empty-dir
                emptyDir: {}
              - name: helm-secret
                secret: {secretName: helm-auth}
              - name: helm-secret-cert
                secret:
                  secretName: helm-auth
                  items: [{key: cacerts, path: cacert.crt}]
              - name: git-cloner
                emptyDir: {}
              - name: git-cloner-empty-dir
                emptyDir: {}
              - name: additional-ca
                secret: {secretName: simple-cabundle}
              - name: git-credential
                secret: {secretName: git-auth}
              securityContext: {runAsUser: 1000}
              serviceAccountName: git-simple
              restartPolicy: Never
              initContainers:
              - name: gitcloner-initializer
                image: rancher/fleet:v0.16.1
                command: [fleet]
                args: [gitcloner, "https://git.example/simple.git", /workspace, --branch, main,
                       --username, "$(GITJOB_GIT_USERNAME)", --password-file, /gitjob/credentials/password,
                       --insecure-skip-tls, --ca-bundle-file, /gitjob/cabundle/additional-ca.crt]
                terminationMessagePolicy: FallbackToLogsOnError
                volumeMounts:
                - {name: git-cloner, mountPath: /workspace}
                - {name: git-cloner-empty-dir, mountPath: /tmp}
                - {name: git-credential, mountPath: /gitjob/credentials}
                - {name: additional-ca, mountPath: /gitjob/cabundle}
                env:
                - {name: FLEET_JSON_OUTPUT, value: "true"}
                - {name: HTTP_PROXY, value: "http://proxy:3128"}
                - {name: HTTPS_PROXY, value: "http://proxy:3128"}
                - {name: NO_PROXY, value: "10.0.0.0/8,.svc"}
                - {name: FLEET_KNOWN_HOSTS, value: "%1$s"}
                - name: GITJOB_GIT_USERNAME
                  valueFrom:
                    secretKeyRef: {name: git-auth, key: username, optional: false}
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  privileged: false
                  capabilities: {drop: [ALL]}
                  runAsNonRoot: true
                  seccompProfile: {type: RuntimeDefault}
              containers:
              - name: fleet
                image: rancher/fleet:v0.16.1
                command: [fleet]
                args: [apply, --targets-file=/run/config/targets.yaml,
                       # Fleet passes shard-ref too; gitjob does not, so Fleet's default shard deploys the Bundles.
                       "--label=fleet.cattle.io/repo-name=simple,team=a",
                       --namespace, fleet-default, --service-account, deployer, --sync-generation=2, --paused=false,
                       --target-namespace, apps, --keep-resources, --delete-namespace,
                       --correct-drift, --correct-drift-force, --correct-drift-keep-fail-history,
                       --password-file, /etc/fleet/helm/password, --ssh-privatekey-file, /etc/fleet/helm/ssh-privatekey,
                       --cacerts-file, /etc/fleet/helm/cacerts, --helm-repo-url-regex, "https://charts.example/.*",
                       --oci-registry-secret, oci-auth, --helm-insecure-skip-tls,
                       --, simple, simple, multi/cluster]
                terminationMessagePolicy: FallbackToLogsOnError
                workingDir: /workspace/source
                volumeMounts:
                - {name: config, mountPath: /run/config}
                - {name: fleet-tmp-empty-dir, mountPath: /tmp}
                - {name: fleet-home-empty-dir, mountPath: /fleet-home}
                - {name: helm-secret, mountPath: /etc/fleet/helm}
                - {name: helm-secret-cert, mountPath: /etc/ssl/certs}
                - {name: git-cloner, mountPath: /workspace/source}
                env:
                - {name: HOME, value: /fleet-home}
                - {name: FLEET_JSON_OUTPUT, value: "true"}
                - {name: JOB_NAME, value: simple-0123456789}
                - {name: FLEET_APPLY_CONFLICT_RETRIES, value: "1"}
                - {name: FLEET_BUNDLE_CREATION_MAX_CONCURRENCY, value: "4"}
                - name: HELM_USERNAME
                  valueFrom:
                    secretKeyRef: {name: helm-auth, key: username, optional: true}
                - {name: FLEET_KNOWN_HOSTS, value: "%1$s"}
                - {name: COMMIT, value: c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00}
                - {name: HTTP_PROXY, value: "http://proxy:3128"}
                - {name: HTTPS_PROXY, value: "http://proxy:3128"}
                - {name: NO_PROXY, value: "10.0.0.0/8,.svc"}
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  privileged: false
                  capabilities: {drop: [ALL]}
                  runAsNonRoot: true
                  seccompProfile: {type: RuntimeDefault}
              nodeSelector:
                kubernetes.io/os: linux
                pool: gitops
              tolerations:
              - {key: cattle.io/os, operator: Equal, value: linux, effect: NoSchedule}
              - {key: node.cloudprovider.kubernetes.io/uninitialized, operator: Equal, value: "true", effect: NoSchedule}
              - {key: dedicated, operator: Exists, effect: NoSchedule}
              imagePullSecrets:
              - {name: regcred}
            """.formatted(KNOWN_HOSTS);

    private final ReferencedObjects objects = Fixtures.objects(Fixtures.basicAuth("git-auth"),
            Fixtures.helmSecret("helm-auth"));

    @Test
    void everyFieldOfTheGitRepoGivesFleetsJob() {
        Job job = new FleetJobFactory(Fixtures.settings()).build(Fixtures.everyField(), CREATE, objects);

        var expected = Fixtures.parse(FLEET_V0_16_1_POD, io.fabric8.kubernetes.api.model.PodTemplateSpec.class);
        assertEquals(yaml(expected), yaml(job.getSpec().getTemplate()));

        var meta = job.getMetadata();
        assertEquals("simple-0123456789", meta.getName());
        assertEquals("fleet-default", meta.getNamespace());
        assertEquals(Map.of("app.kubernetes.io/managed-by", "gitjob", "gitjob.io/gitrepo", "simple",
                "fleet.cattle.io/gitrepo-generation", "3", "fleet.cattle.io/force-sync-generation", "2",
                "fleet.cattle.io/shard-ref", "shard1"), meta.getLabels());
        assertEquals(Map.of("commit", CREATE.commit(), "generation", "3"), meta.getAnnotations());
        var owner = meta.getOwnerReferences().get(0);
        assertEquals(List.of("fleet.cattle.io/v1alpha1", "GitRepo", "simple", "uid-1", true, true),
                List.of(owner.getApiVersion(), owner.getKind(), owner.getName(), owner.getUid(),
                        owner.getController(), owner.getBlockOwnerDeletion()));
        assertEquals(0, job.getSpec().getBackoffLimit());
        assertEquals(900L, job.getSpec().getActiveDeadlineSeconds());
    }

    @Test
    void withNothingSetTheCloneIsOfMasterWithoutCredentialsAndApplyHasFleetsDefaults() {
        JobSettings defaults = JobSettings.defaults();
        Job job = new FleetJobFactory(defaults).build(Fixtures.minimal(), CREATE, ReferencedObjects.none());
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container cloner = pod.getInitContainers().get(0);
        assertEquals(List.of("gitcloner", "https://git.example/simple.git", "/workspace", "--branch", "master"),
                cloner.getArgs());
        assertEquals(List.of("config", "fleet-tmp-empty-dir", "fleet-home-empty-dir", "git-cloner",
                "git-cloner-empty-dir"), pod.getVolumes().stream().map(v -> v.getName()).toList());
        assertEquals(List.of("apply", "--targets-file=/run/config/targets.yaml",
                "--label=fleet.cattle.io/repo-name=simple", "--namespace", "fleet-default", "--service-account", "",
                "--sync-generation=2", "--paused=false", "--target-namespace", "", "--oci-registry-secret", "", "--",
                "simple", "."), pod.getContainers().get(0).getArgs());
        // Strict host key checks (Fleet's default) hand the cloner the known hosts, empty when there are none.
        assertEquals("", env(cloner, "FLEET_KNOWN_HOSTS"));
        assertNull(env(pod.getContainers().get(0), "FLEET_KNOWN_HOSTS"));
        assertEquals(Map.of("kubernetes.io/os", "linux"), pod.getNodeSelector());
        assertNull(job.getSpec().getActiveDeadlineSeconds());
        assertTrue(pod.getImagePullSecrets().isEmpty());
        assertEquals("simple-config-fae44897c8d5", pod.getVolumes().get(0).getConfigMap().getName());
    }

    @Test
    void revisionIsClonedWhenNoBranchIsSet() {
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setRevision("v1.0.0");
        Job job = new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, ReferencedObjects.none());
        assertEquals(List.of("gitcloner", "https://git.example/simple.git", "/workspace", "--revision", "v1.0.0"),
                job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs());
    }

    @Test
    void theNamespacesGitcredentialSecretIsUsedWhenTheGitRepoNamesNone() {
        var ssh = new SecretBuilder().withNewMetadata().withName("gitcredential").endMetadata()
                .withType("kubernetes.io/ssh-auth").addToData("ssh-privatekey", b64("KEY")).build();
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setRepo("git@git.example:org/simple.git");
        JobSettings lenient = new JobSettings(JobSettings.FLEET_IMAGE, JobSettings.FLEET_IMAGE,
                JobSettings.KUBECTL_IMAGE, "gitjob-apply", List.of(), Map.of(), List.of(), "", "", "", "", null,
                false, "", true, false, false, 1, 4);
        PodSpec pod = new FleetJobFactory(lenient).build(gitRepo, CREATE, Fixtures.objects(ssh)).getSpec()
                .getTemplate().getSpec();
        Container cloner = pod.getInitContainers().get(0);
        assertEquals(List.of("gitcloner", "git@git.example:org/simple.git", "/workspace", "--branch", "master",
                "--ssh-private-key-file", "/gitjob/ssh/ssh-privatekey"), cloner.getArgs());
        assertEquals("gitcredential", pod.getVolumes().stream().filter(v -> v.getName().equals("git-credential"))
                .findFirst().orElseThrow().getSecret().getSecretName());
        assertTrue(cloner.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/gitjob/ssh")));
        // Lenient checks: no known hosts handed to the cloner, which would then refuse every unknown host.
        assertNull(env(cloner, "FLEET_KNOWN_HOSTS"));
    }

    @Test
    void aGitHubAppSecretGivesTheAppsIdsAndKeyFile() {
        var app = new SecretBuilder().withNewMetadata().withName("gh").endMetadata()
                .addToData("github_app_id", b64("123")).addToData("github_app_installation_id", b64("456"))
                .addToData("github_app_private_key", b64("PEM")).build();
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setClientSecretName("gh");
        var args = new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, Fixtures.objects(app))
                .getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs();
        assertEquals(List.of("--github-app-id", "123", "--github-app-installation-id", "456",
                "--github-app-key-file", "/gitjob/githubapp/github_app_private_key"), args.subList(5, 11));
    }

    @Test
    void aMissingOrUnusableCredentialsSecretIsRefusedWithTheReason() {
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setClientSecretName("nope");
        var missing = assertThrows(InvalidGitRepoException.class,
                () -> new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, ReferencedObjects.none()));
        assertEquals("spec.clientSecretName names Secret nope, which does not exist in namespace fleet-default",
                missing.getMessage());

        var opaque = new SecretBuilder().withNewMetadata().withName("nope").endMetadata().withType("Opaque")
                .addToData("token", b64("t0ps3cret")).build();
        var unusable = assertThrows(InvalidGitRepoException.class, () -> new FleetJobFactory(JobSettings.defaults())
                .build(gitRepo, CREATE, Fixtures.objects(opaque)));
        assertTrue(unusable.getMessage().contains("holds no Git credentials"), unusable.getMessage());
        assertFalse(unusable.getMessage().contains("t0ps3cret"));
    }

    @Test
    void helmSecretsByPathMountTheFileAndNoUsername() {
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setHelmSecretNameForPaths("by-path");
        gitRepo.getSpec().setHelmSecretName("ignored-when-by-path-is-set");
        var secret = new SecretBuilder().withNewMetadata().withName("by-path").endMetadata()
                .addToData("secrets-path.yaml", b64("{}")).addToData("insecureSkipVerify", b64("true")).build();
        Container fleet = new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, Fixtures.objects(secret))
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        String args = String.join(" ", fleet.getArgs());
        assertTrue(args.contains("--helm-credentials-by-path-file /etc/fleet/helm/secrets-path.yaml"), args);
        // Fleet reads insecureSkipVerify only from helmSecretName's Secret.
        assertFalse(args.contains("--helm-insecure-skip-tls"), args);
        assertNull(env(fleet, "HELM_USERNAME"));
        assertTrue(fleet.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("helm-secret-by-path")
                && m.getMountPath().equals("/etc/fleet/helm")));
    }

    @Test
    void bundlesAreScannedAsDrivenWithTheFirstSeparatorNoPathUses() {
        GitRepo gitRepo = Fixtures.minimal();
        GitRepoSpec.BundlePath a = new GitRepoSpec.BundlePath();
        a.setBase("charts/a:b");
        a.setOptions("fleet-a.yaml");
        GitRepoSpec.BundlePath b = new GitRepoSpec.BundlePath();
        b.setBase("charts/c");
        gitRepo.getSpec().setBundles(List.of(a, b));
        gitRepo.getSpec().setPaths(List.of("ignored"));
        var args = new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, ReferencedObjects.none())
                .getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertEquals(List.of("--driven-scan", "--driven-scan-sep", ",", "--", "simple", "charts/a:b,fleet-a.yaml",
                "charts/c"), args.subList(args.size() - 7, args.size()));

        GitRepoSpec.BundlePath all = new GitRepoSpec.BundlePath();
        all.setBase(":,|?<>");
        gitRepo.getSpec().setBundles(List.of(all));
        assertThrows(InvalidGitRepoException.class,
                () -> new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, ReferencedObjects.none()));
    }

    @Test
    void strictHostKeyChecksWithoutKnownHostsRefuseAnSshRepo() {
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setRepo("ssh://git@git.example/simple.git");
        var e = assertThrows(InvalidGitRepoException.class,
                () -> new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, ReferencedObjects.none()));
        assertTrue(e.getMessage().contains("known_hosts"), e.getMessage());

        var configMap = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().endMetadata()
                .addToData("known_hosts", KNOWN_HOSTS).build();
        var withFleetsConfigMap = ReferencedObjects.of(Map.of(), Map.of("cattle-fleet-system/known-hosts",
                configMap));
        Container cloner = new FleetJobFactory(JobSettings.defaults()).build(gitRepo, CREATE, withFleetsConfigMap)
                .getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertEquals(KNOWN_HOSTS, env(cloner, "FLEET_KNOWN_HOSTS"));
    }

    @Test
    void thePrerequisitesAreFleetsServiceAccountRoleBindingTargetsAndCaBundle() {
        GitRepo gitRepo = Fixtures.everyField();
        var objects = JobPrerequisites.of(gitRepo, JobMode.FLEET, Fixtures.settings());
        assertEquals(List.of("ServiceAccount git-simple", "Role git-simple", "RoleBinding git-simple",
                "ConfigMap simple-config-3e7c3f048240", "Secret simple-cabundle"),
                objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList());
        for (var o : objects) {
            assertEquals("fleet-default", o.getMetadata().getNamespace());
            var owner = o.getMetadata().getOwnerReferences().get(0);
            assertEquals(List.of("GitRepo", "simple", "uid-1", true), List.of(owner.getKind(), owner.getName(),
                    owner.getUid(), owner.getController()));
        }
        var role = (io.fabric8.kubernetes.api.model.rbac.Role) objects.get(1);
        assertEquals("""
                - apiGroups: [fleet.cattle.io]
                  resources: [bundles]
                  verbs: [get, create, update, list, delete]
                - apiGroups: [fleet.cattle.io]
                  resources: [gitrepos]
                  verbs: [get]
                - apiGroups: [""]
                  resources: [secrets]
                  verbs: [get, create, update, delete]
                - apiGroups: [""]
                  resources: [events]
                  verbs: [create]
                """.replaceAll("\\s+", " ").trim(), flowRules(role));
        var binding = (io.fabric8.kubernetes.api.model.rbac.RoleBinding) objects.get(2);
        assertEquals(List.of("Role", "git-simple", "rbac.authorization.k8s.io"), List.of(
                binding.getRoleRef().getKind(), binding.getRoleRef().getName(), binding.getRoleRef().getApiGroup()));
        assertEquals(List.of("ServiceAccount", "git-simple", "fleet-default"), List.of(
                binding.getSubjects().get(0).getKind(), binding.getSubjects().get(0).getName(),
                binding.getSubjects().get(0).getNamespace()));
        var configMap = (io.fabric8.kubernetes.api.model.ConfigMap) objects.get(3);
        assertEquals(TargetsFile.of(gitRepo).json(), new String(java.util.Base64.getDecoder()
                .decode(configMap.getBinaryData().get("targets.yaml"))));
        var ca = (io.fabric8.kubernetes.api.model.Secret) objects.get(4);
        assertEquals(Map.of("additional-ca.crt", gitRepo.getSpec().getCaBundle()), ca.getData());
    }

    @Test
    void withImageScansTheRoleCoversImageScansToo() {
        JobSettings d = JobSettings.defaults();
        JobSettings scans = new JobSettings(d.fleetImage(), d.clonerImage(), d.kubectlImage(), d.kubectlClusterRole(),
                List.of(), Map.of(), List.of(), "", "", "", "", null, true, "", true, true, false, 1, 4);
        assertEquals(List.of("bundles", "imagescans"), JobPrerequisites.fleetRules(scans).get(0).getResources());
        var args = new FleetJobFactory(scans).build(Fixtures.minimal(), CREATE, ReferencedObjects.none()).getSpec()
                .getTemplate().getSpec().getContainers().get(0).getArgs();
        assertTrue(args.contains("--imagescan-enabled"));
    }

    private static String flowRules(io.fabric8.kubernetes.api.model.rbac.Role role) {
        StringBuilder out = new StringBuilder();
        for (var r : role.getRules()) {
            out.append("- apiGroups: ").append(flow(r.getApiGroups())).append(" resources: ")
                    .append(flow(r.getResources())).append(" verbs: ").append(flow(r.getVerbs())).append(' ');
        }
        return out.toString().trim();
    }

    private static String flow(List<String> list) {
        return list.stream().map(s -> s.isEmpty() ? "\"\"" : s).toList().toString();
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().map(e -> e.getValue())
                .orElse(null);
    }
}
