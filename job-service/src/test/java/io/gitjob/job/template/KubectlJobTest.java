package io.gitjob.job.template;

import static io.gitjob.job.template.Fixtures.CREATE;
import static io.gitjob.job.template.Fixtures.KNOWN_HOSTS;
import static io.gitjob.job.template.Fixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.gitjob.gitrepo.JobMode;

/**
 * The kubectl-mode Job (gitjob without Fleet) from the default template: {@code fleet gitcloner} of rancher/fleet
 * v0.16.1 clones exactly the Job's commit, registry.k8s.io/kubectl applies the paths as the GitRepo's own
 * ServiceAccount, both containers hardened for the {@code restricted} Pod Security level.
 */
class KubectlJobTest {

    private static final String EXPECTED_POD = """
            metadata:
              labels:
                app.kubernetes.io/name: gitjob-apply
                app.kubernetes.io/managed-by: gitjob
                gitjob.io/gitrepo: simple
            spec:
              serviceAccountName: git-simple
              restartPolicy: Never
              securityContext:
                runAsNonRoot: true
                runAsUser: 65532
                runAsGroup: 65532
                fsGroup: 65532
                seccompProfile: {type: RuntimeDefault}
              volumes:
              - {name: workspace, emptyDir: {}}
              - {name: tmp, emptyDir: {}}
              - {name: git-credentials, secret: {secretName: git-auth}}
              - {name: ca-bundle, secret: {secretName: simple-cabundle}}
              initContainers:
              - name: clone
                image: rancher/fleet:v0.16.1
                command: [fleet]
                args: [gitcloner, "https://git.example/simple.git", /workspace/repo,
                       --revision, c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00,
                       --username, "$(GITJOB_GIT_USERNAME)", --password-file, /gitjob/credentials/password,
                       --insecure-skip-tls, --ca-bundle-file, /gitjob/cabundle/additional-ca.crt]
                env:
                - name: GITJOB_GIT_USERNAME
                  valueFrom:
                    secretKeyRef: {name: git-auth, key: username, optional: false}
                - {name: FLEET_KNOWN_HOSTS, value: "%1$s"}
                - {name: HOME, value: /tmp}
                - {name: HTTP_PROXY, value: "http://proxy:3128"}
                - {name: HTTPS_PROXY, value: "http://proxy:3128"}
                - {name: NO_PROXY, value: "10.0.0.0/8,.svc"}
                terminationMessagePolicy: FallbackToLogsOnError
                securityContext: %2$s
                volumeMounts:
                - {name: workspace, mountPath: /workspace}
                - {name: tmp, mountPath: /tmp}
                - {name: git-credentials, mountPath: /gitjob/credentials, readOnly: true}
                - {name: ca-bundle, mountPath: /gitjob/cabundle, readOnly: true}
              containers:
              - name: apply
                image: registry.k8s.io/kubectl:v1.34.3
                args: [apply, -R, -f, simple, -f, multi/cluster, --namespace, apps]
                workingDir: /workspace/repo
                env:
                - {name: COMMIT, value: c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00}
                - {name: HOME, value: /tmp}
                - {name: HTTP_PROXY, value: "http://proxy:3128"}
                - {name: HTTPS_PROXY, value: "http://proxy:3128"}
                - {name: NO_PROXY, value: "10.0.0.0/8,.svc"}
                terminationMessagePolicy: FallbackToLogsOnError
                securityContext: %2$s
                volumeMounts:
                - {name: workspace, mountPath: /workspace}
                - {name: tmp, mountPath: /tmp}
              nodeSelector: {pool: gitops}
              tolerations:
              - {key: dedicated, operator: Exists, effect: NoSchedule}
              imagePullSecrets:
              - {name: regcred}
            """.formatted(KNOWN_HOSTS, "{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,"
            + " privileged: false, runAsNonRoot: true, capabilities: {drop: [ALL]},"
            + " seccompProfile: {type: RuntimeDefault}}");

    private final JobPlanner planner = new JobPlanner(Fixtures.settings(), () -> PodTemplate.load(null));

    @Test
    void everyFieldOfTheGitRepoGivesTheHardenedCloneAndApply() {
        JobPlan plan = planner.plan(Fixtures.everyField(), CREATE, JobMode.KUBECTL,
                Fixtures.objects(Fixtures.basicAuth("git-auth")));
        Job job = plan.job();

        assertEquals(yaml(Fixtures.parse(EXPECTED_POD, PodTemplateSpec.class)), yaml(job.getSpec().getTemplate()));
        var meta = job.getMetadata();
        assertEquals("simple-0123456789", meta.getName());
        assertEquals(Map.of("app.kubernetes.io/managed-by", "gitjob", "gitjob.io/gitrepo", "simple",
                "fleet.cattle.io/gitrepo-generation", "3", "fleet.cattle.io/force-sync-generation", "2",
                "fleet.cattle.io/shard-ref", "shard1"), meta.getLabels());
        assertEquals(Map.of("commit", CREATE.commit(), "generation", "3"), meta.getAnnotations());
        assertEquals("uid-1", meta.getOwnerReferences().get(0).getUid());
        assertEquals(0, job.getSpec().getBackoffLimit());
        assertEquals(900L, job.getSpec().getActiveDeadlineSeconds());

        assertEquals(List.of("ServiceAccount git-simple", "RoleBinding git-simple", "Secret simple-cabundle"),
                plan.prerequisites().stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList());
        RoleBinding binding = (RoleBinding) plan.prerequisites().get(1);
        assertEquals(List.of("ClusterRole", "gitjob-apply"), List.of(binding.getRoleRef().getKind(),
                binding.getRoleRef().getName()));
        assertEquals("fleet-default", binding.getMetadata().getNamespace(),
                "bound in the GitRepo's namespace only: a GitRepo applies only there by default");
        assertEquals(List.of("ServiceAccount", "git-simple", "fleet-default"), List.of(
                binding.getSubjects().get(0).getKind(), binding.getSubjects().get(0).getName(),
                binding.getSubjects().get(0).getNamespace()));
    }

    @Test
    void withoutCredentialsOrCaBundleTheirVolumesAndMountsAreLeftOut() {
        var pod = planner.plan(Fixtures.minimal(), CREATE, JobMode.KUBECTL, ReferencedObjects.none()).job().getSpec()
                .getTemplate().getSpec();
        assertEquals(List.of("workspace", "tmp"), pod.getVolumes().stream().map(v -> v.getName()).toList());
        assertEquals(List.of("gitcloner", "https://git.example/simple.git", "/workspace/repo", "--revision",
                CREATE.commit()), pod.getInitContainers().get(0).getArgs());
        assertEquals(List.of("apply", "-R", "-f", "."), pod.getContainers().get(0).getArgs());
        assertTrue(pod.getInitContainers().get(0).getVolumeMounts().stream()
                .noneMatch(m -> m.getName().equals("git-credentials") || m.getName().equals("ca-bundle")));
    }

    @Test
    void aTemplateFileWithoutAServiceAccountRunsAsTheGitReposOwn() {
        var template = PodTemplate.parse("""
                spec:
                  containers: [{name: x, image: "{{kubectlImage}}", args: ["{{paths}}"]}]
                """, "custom.yaml");
        var pod = new JobPlanner(JobSettings.defaults(), () -> template)
                .plan(Fixtures.minimal(), CREATE, JobMode.KUBECTL, ReferencedObjects.none()).job().getSpec()
                .getTemplate().getSpec();
        assertEquals("git-simple", pod.getServiceAccountName());
        assertEquals(List.of("."), pod.getContainers().get(0).getArgs());
        assertEquals(JobSettings.KUBECTL_IMAGE, pod.getContainers().get(0).getImage());
    }

    @Test
    void pathsAreRelativeToTheRepositorysRoot() {
        var gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setPaths(List.of("/", "/manifests"));
        var args = planner.plan(gitRepo, CREATE, JobMode.KUBECTL, ReferencedObjects.none()).job().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getArgs();
        assertEquals(List.of("apply", "-R", "-f", ".", "-f", "manifests"), args);
    }
}
