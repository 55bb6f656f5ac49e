package io.gitjob.job.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.job.decision.Action;

class PodTemplateTest {

    @Test
    void theDefaultTemplateClonesThenAppliesWithTheGitReposValues() {
        Job job = new JobFactory(PodTemplate.load(null)).build(gitRepo("git-auth"),
                new Action.CreateJob("simple-0123456789", "c0ffee", 3, 1));

        var pod = job.getSpec().getTemplate().getSpec();
        assertEquals("clone", pod.getInitContainers().get(0).getName());
        assertEquals("apply", pod.getContainers().get(0).getName());
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(0, job.getSpec().getBackoffLimit());
        var cloneEnv = pod.getInitContainers().get(0).getEnv();
        assertEquals("https://git.example/simple.git?a=\"quoted\"", env(cloneEnv, "REPO"));
        assertEquals("c0ffee", env(cloneEnv, "COMMIT"));
        assertEquals("simple multi/cluster", env(pod.getContainers().get(0).getEnv(), "PATHS"));
        assertEquals("git-auth", pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst()
                .orElseThrow().getSecret().getSecretName());

        var meta = job.getMetadata();
        assertEquals("simple-0123456789", meta.getName());
        assertEquals("fleet-local", meta.getNamespace());
        assertEquals("gitjob", meta.getLabels().get(JobConventions.MANAGED_BY_LABEL));
        assertEquals("simple", meta.getLabels().get(JobConventions.GITREPO_LABEL));
        assertEquals("3", meta.getLabels().get(JobConventions.GITREPO_GENERATION_LABEL));
        assertEquals("1", meta.getLabels().get(JobConventions.FORCE_SYNC_GENERATION_LABEL));
        assertEquals("c0ffee", meta.getAnnotations().get(JobConventions.COMMIT_ANNOTATION));
        assertEquals("3", meta.getAnnotations().get(JobConventions.GENERATION_ANNOTATION));
        var owner = meta.getOwnerReferences().get(0);
        assertEquals(List.of("GitRepo", "fleet.cattle.io/v1alpha1", "simple", "uid-1", true),
                List.of(owner.getKind(), owner.getApiVersion(), owner.getName(), owner.getUid(), owner.getController()));
    }

    @Test
    void withoutACredentialsSecretTheSecretVolumeAndItsMountAreLeftOut() {
        Job job = new JobFactory(PodTemplate.load(null)).build(gitRepo(null),
                new Action.CreateJob("simple-0123456789", "c0ffee", 1, 0));
        var pod = job.getSpec().getTemplate().getSpec();
        assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getSecret() != null));
        assertTrue(pod.getInitContainers().get(0).getVolumeMounts().stream()
                .noneMatch(m -> m.getName().equals("git-credentials")));
    }

    @Test
    void anUnknownPlaceholderIsRejectedNamingIt() {
        var e = assertThrows(InvalidTemplateException.class, () -> PodTemplate.parse("""
                spec:
                  containers: [{name: x, image: "{{imgae}}"}]
                """, "test.yaml"));
        assertTrue(e.getMessage().contains("[imgae]"), e.getMessage());
    }

    @Test
    void aTemplateThatIsNotAPodTemplateIsRejected() {
        assertThrows(InvalidTemplateException.class, () -> PodTemplate.parse("just text", "test.yaml"));
        assertThrows(InvalidTemplateException.class, () -> PodTemplate.parse("spec: [1, 2]", "test.yaml"));
    }

    @Test
    void valuesNeverChangeTheTemplatesStructure() {
        var template = PodTemplate.parse("""
                spec:
                  containers: [{name: x, image: "img", args: ["{{repo}}"]}]
                """, "test.yaml");
        var pod = template.render(Map.of("repo", "a\", \"injected: [1]\n- b"));
        assertEquals(List.of("a\", \"injected: [1]\n- b"), pod.getSpec().getContainers().get(0).getArgs());
    }

    private static String env(List<io.fabric8.kubernetes.api.model.EnvVar> env, String name) {
        return env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    static GitRepo gitRepo(String secret) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-local").withName("simple").withUid("uid-1")
                .build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/simple.git?a=\"quoted\"");
        spec.setPaths(List.of("simple", "multi/cluster"));
        spec.setClientSecretName(secret);
        gitRepo.setSpec(spec);
        return gitRepo;
    }
}
