package io.gitjob.job.template;

import static io.gitjob.job.template.Fixtures.CREATE;
import static io.gitjob.job.template.Fixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobMode;

/**
 * A {@code spec.repo} with credentials in it (a token alone, user:password) never goes into the Job: the whole
 * serialized Job, in both modes, is searched for the secret. The cloner gets the URL through Kubernetes' expansion of
 * {@code $(GITJOB_REPO_URL)} in its args, from the {@code <name>-repo-url} Secret written with the prerequisites.
 */
class CredentialsInRepoUrlTest {

    private static final String SECRET = "ghp_T0kenNobodyMayRead";
    private static final List<String> WITH_CREDENTIALS = List.of(
            "https://" + SECRET + "@git.example/simple.git",
            "https://bot:" + SECRET + "@git.example/simple.git",
            "https://" + SECRET + ":x-oauth-basic@git.example/simple.git",
            "ssh://deploy:" + SECRET + "@git.example/simple.git");

    private final ReferencedObjects objects = Fixtures.objects(Fixtures.basicAuth("git-auth"),
            Fixtures.helmSecret("helm-auth"));

    @Test
    void inFleetModeTheJobCarriesOnlyTheVariableAndTheSecretTheUrl() {
        for (String url : WITH_CREDENTIALS) {
            GitRepo gitRepo = withRepo(url);
            JobPlan plan = planner().plan(gitRepo, CREATE, JobMode.FLEET, objects);

            assertNoSecretIn(plan.job(), url);
            Container cloner = plan.job().getSpec().getTemplate().getSpec().getInitContainers().get(0);
            assertEquals(List.of("gitcloner", "$(GITJOB_REPO_URL)", "/workspace"), cloner.getArgs().subList(0, 3));
            assertFromSecret(cloner.getEnv().get(cloner.getEnv().size() - 1));
            // fleet apply reads the GitRepo itself: its container gets no URL.
            assertFalse(yaml(plan.job().getSpec().getTemplate().getSpec().getContainers()).contains("GITJOB_REPO_URL"));
            assertSecretHolds(plan.prerequisites(), url);
        }
    }

    @Test
    void inKubectlModeTheDefaultTemplateClonesFromTheVariable() {
        for (String url : WITH_CREDENTIALS) {
            GitRepo gitRepo = withRepo(url);
            JobPlan plan = planner().plan(gitRepo, CREATE, JobMode.KUBECTL, objects);

            assertNoSecretIn(plan.job(), url);
            Container clone = plan.job().getSpec().getTemplate().getSpec().getInitContainers().get(0);
            assertEquals(List.of("gitcloner", "$(GITJOB_REPO_URL)", "/workspace/repo"), clone.getArgs().subList(0, 3));
            assertFromSecret(clone.getEnv().get(0));
            assertFalse(yaml(plan.job().getSpec().getTemplate().getSpec().getContainers()).contains("GITJOB_REPO_URL"));
            assertSecretHolds(plan.prerequisites(), url);
        }
    }

    @Test
    void theOnlyDifferenceToAJobOfTheSameUrlWithoutCredentialsIsTheClonersUrl() {
        for (JobMode mode : JobMode.values()) {
            String plain = "https://git.example/simple.git";
            JobPlan without = planner().plan(withRepo(plain), CREATE, mode, objects);
            JobPlan with = planner().plan(withRepo("https://bot:" + SECRET + "@git.example/simple.git"), CREATE, mode,
                    objects);

            Container cloner = with.job().getSpec().getTemplate().getSpec().getInitContainers().get(0);
            List<String> args = new ArrayList<>(cloner.getArgs());
            args.set(args.indexOf("$(GITJOB_REPO_URL)"), plain);
            cloner.setArgs(args);
            cloner.setEnv(cloner.getEnv().stream().filter(e -> !e.getName().equals("GITJOB_REPO_URL")).toList());
            assertEquals(yaml(without.job()), yaml(with.job()), mode.toString());

            assertEquals(yaml(without.prerequisites()), yaml(with.prerequisites().subList(0,
                    with.prerequisites().size() - 1)), mode.toString());
            assertTrue(without.prerequisites().stream().noneMatch(o -> o.getMetadata().getName().endsWith("-repo-url")),
                    mode.toString());
            assertFalse(yaml(without.job()).contains("GITJOB_REPO_URL"), mode.toString());
        }
    }

    @Test
    void anSshUserAloneNamesNoSecretAndStaysInTheJob() {
        GitRepo gitRepo = withRepo("ssh://git@git.example/simple.git");
        JobPlan plan = planner().plan(gitRepo, CREATE, JobMode.FLEET, objects);
        assertEquals("ssh://git@git.example/simple.git",
                plan.job().getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs().get(1));
        assertTrue(plan.prerequisites().stream().noneMatch(o -> o instanceof Secret s
                && s.getMetadata().getName().equals("simple-repo-url")));
    }

    @Test
    void aTemplateSeesTheUrlRedactedAndClonesFromCloneUrl() {
        PodTemplate template = PodTemplate.parse("""
                metadata:
                  annotations: {example.com/repo: "{{repo}}"}
                spec:
                  containers:
                  - name: clone-and-apply
                    image: "{{clonerImage}}"
                    args: [clone, "{{cloneUrl}}"]
                    env:
                    - {name: SHOWN, value: "{{repo}}"}
                """, "a test template");
        GitRepo gitRepo = withRepo("https://" + SECRET + "@git.example/simple.git");
        Job job = new JobFactory(template, Fixtures.settings()).build(gitRepo, CREATE, objects);

        assertNoSecretIn(job, gitRepo.getSpec().getRepo());
        assertEquals("https://***@git.example/simple.git",
                job.getSpec().getTemplate().getMetadata().getAnnotations().get("example.com/repo"));
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("clone", "$(GITJOB_REPO_URL)"), c.getArgs());
        assertFromSecret(c.getEnv().get(0));
        assertEquals("https://***@git.example/simple.git", c.getEnv().get(1).getValue());
    }

    @Test
    void aTemplateThatWouldCloneTheRedactedUrlIsRefusedForSuchAGitRepo() {
        PodTemplate template = PodTemplate.parse("""
                spec:
                  containers:
                  - {name: clone, image: "{{clonerImage}}", args: [clone, "{{repo}}"]}
                """, "a test template");
        var e = assertThrows(InvalidTemplateException.class, () -> new JobFactory(template, Fixtures.settings())
                .build(withRepo("https://" + SECRET + "@git.example/simple.git"), CREATE, objects));
        assertTrue(e.getMessage().contains("{{cloneUrl}}"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        // The same template is fine for a URL without credentials.
        assertEquals(List.of("clone", "https://git.example/simple.git"), new JobFactory(template, Fixtures.settings())
                .build(withRepo("https://git.example/simple.git"), CREATE, objects).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs());
    }

    @Test
    void strictHostKeyChecksNameTheRepoWithoutItsPassword() {
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setRepo("ssh://deploy:" + SECRET + "@git.example/simple.git");
        var e = assertThrows(InvalidGitRepoException.class, () -> new FleetJobFactory(JobSettings.defaults())
                .build(gitRepo, CREATE, ReferencedObjects.none()));
        assertTrue(e.getMessage().contains("ssh://deploy:***@git.example/simple.git"), e.getMessage());
    }

    private static JobPlanner planner() {
        return new JobPlanner(Fixtures.settings(), () -> PodTemplate.load(null));
    }

    private static GitRepo withRepo(String url) {
        GitRepo gitRepo = Fixtures.everyField();
        gitRepo.getSpec().setRepo(url);
        return gitRepo;
    }

    private static void assertNoSecretIn(Job job, String url) {
        String yaml = yaml(job);
        assertFalse(yaml.contains(SECRET), yaml);
        assertFalse(yaml.contains(url), yaml);
    }

    private static void assertFromSecret(EnvVar env) {
        assertEquals("GITJOB_REPO_URL", env.getName());
        assertEquals(null, env.getValue());
        var ref = env.getValueFrom().getSecretKeyRef();
        assertEquals(List.of("simple-repo-url", "url", false), List.of(ref.getName(), ref.getKey(), ref.getOptional()));
    }

    private static void assertSecretHolds(List<HasMetadata> prerequisites, String url) {
        Secret secret = (Secret) prerequisites.get(prerequisites.size() - 1);
        assertEquals("simple-repo-url", secret.getMetadata().getName());
        assertEquals("fleet-default", secret.getMetadata().getNamespace());
        assertEquals("Opaque", secret.getType());
        assertEquals(Map.of("app.kubernetes.io/managed-by", "gitjob", "gitjob.io/gitrepo", "simple"),
                secret.getMetadata().getLabels());
        var owner = secret.getMetadata().getOwnerReferences().get(0);
        assertEquals(List.of("GitRepo", "simple", "uid-1", true), List.of(owner.getKind(), owner.getName(),
                owner.getUid(), owner.getController()));
        assertEquals(url, new String(Base64.getDecoder().decode(secret.getData().get("url")), StandardCharsets.UTF_8));
        for (HasMetadata other : prerequisites.subList(0, prerequisites.size() - 1)) {
            assertFalse(yaml(other).contains(SECRET), yaml(other));
        }
    }
}
