package io.gitjob.job.template;

import static io.gitjob.job.template.Fixtures.CREATE;
import static io.gitjob.job.template.Fixtures.b64;
import static io.gitjob.job.template.Fixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobMode;

/**
 * A basic-auth Secret's user name is often a token: GitHub's older {@code <token>:x-oauth-basic}, a personal access
 * token given as user, a Gitea or Gogs token, which look like any name. Fleet writes it into the cloner's args; here
 * the cloner gets {@code $(GITJOB_GIT_USERNAME)}, defined from the Secret in the container that expands it, so the
 * serialized Job, in both modes, holds no user name at all.
 */
class UsernameFromSecretTest {

    private static final List<String[]> TOKEN_AS_USER = List.of(
            new String[] {"ghp_T0kenAsUserNobodyMayRead", "x-oauth-basic"},
            new String[] {"glpat-T0kenAsUserNobodyMayRead", "unused"},
            new String[] {"3f786850e387550fdab836ed7e6dc881de23001b", "x-oauth-basic"});
    private static final Pattern EXPANSION = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    @Test
    void noModePutsTheUserNameIntoTheJob() {
        for (JobMode mode : JobMode.values()) {
            for (String[] credentials : TOKEN_AS_USER) {
                Job job = planner().plan(gitRepo(), CREATE, mode,
                        Fixtures.objects(basicAuth(credentials[0], credentials[1]))).job();

                String yaml = yaml(job);
                assertFalse(yaml.contains(credentials[0]), mode + ": " + yaml);
                Container cloner = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
                List<String> args = cloner.getArgs();
                assertEquals("$(GITJOB_GIT_USERNAME)", args.get(args.indexOf("--username") + 1), mode.toString());
                EnvVar username = cloner.getEnv().stream().filter(e -> e.getName().equals("GITJOB_GIT_USERNAME"))
                        .findFirst().orElseThrow();
                var ref = username.getValueFrom().getSecretKeyRef();
                assertEquals(List.of("git-auth", "username", false), List.of(ref.getName(), ref.getKey(),
                        ref.getOptional()), mode.toString());
                assertEveryExpansionDefined(job);
            }
        }
    }

    @Test
    void aSecretWithoutAUserNameGivesFleetsEmptyOneAndNoVariable() {
        Secret noUser = new SecretBuilder().withNewMetadata().withName("git-auth").endMetadata()
                .withType("kubernetes.io/basic-auth").addToData("password", b64("s3cret")).build();
        for (JobMode mode : JobMode.values()) {
            Job job = planner().plan(gitRepo(), CREATE, mode, Fixtures.objects(noUser)).job();

            Container cloner = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
            assertEquals("", cloner.getArgs().get(cloner.getArgs().indexOf("--username") + 1), mode.toString());
            assertFalse(yaml(job).contains("GITJOB_GIT_USERNAME"), mode.toString());
        }
    }

    @Test
    void aTemplateClonesInItsMainContainerAndGetsTheVariableThere() {
        PodTemplate template = PodTemplate.parse("""
                spec:
                  containers:
                  - name: clone-and-apply
                    image: "{{clonerImage}}"
                    args: [gitcloner, "{{gitclonerArgs}}"]
                    env:
                    - {name: GITJOB_GIT_USERNAME, value: "a template's own value is replaced"}
                    - {name: KEPT, value: "yes"}
                """, "a test template");
        String token = TOKEN_AS_USER.get(0)[0];
        Job job = new JobFactory(template, Fixtures.settings()).build(gitRepo(), CREATE,
                Fixtures.objects(basicAuth(token, "x-oauth-basic")));

        assertFalse(yaml(job).contains(token), yaml(job));
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("GITJOB_GIT_USERNAME", "KEPT"), c.getEnv().stream().map(EnvVar::getName).toList()
                .subList(0, 2));
        assertEquals("git-auth", c.getEnv().get(0).getValueFrom().getSecretKeyRef().getName());
        assertEveryExpansionDefined(job);
    }

    @Test
    void withCredentialsInTheUrlTooBothVariablesAreDefined() {
        GitRepo gitRepo = gitRepo();
        gitRepo.getSpec().setRepo("https://ghp_UrlT0ken@git.example/simple.git");
        for (JobMode mode : JobMode.values()) {
            Job job = planner().plan(gitRepo, CREATE, mode, Fixtures.objects(basicAuth("bot", "s3cret"))).job();

            Container cloner = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
            List<String> names = cloner.getEnv().stream().map(EnvVar::getName).toList();
            assertTrue(names.containsAll(List.of("GITJOB_REPO_URL", "GITJOB_GIT_USERNAME")), mode + ": " + names);
            assertEveryExpansionDefined(job);
        }
    }

    /** The kubelet leaves an undefined {@code $(VAR)} as it is: the cloner would get the variable's name. */
    private static void assertEveryExpansionDefined(Job job) {
        var pod = job.getSpec().getTemplate().getSpec();
        List<Container> containers = new ArrayList<>(pod.getInitContainers());
        containers.addAll(pod.getContainers());
        for (Container c : containers) {
            List<String> defined = c.getEnv() == null ? List.of() : c.getEnv().stream().map(EnvVar::getName).toList();
            for (String arg : c.getArgs() == null ? List.<String>of() : c.getArgs()) {
                Matcher m = EXPANSION.matcher(arg);
                while (m.find()) {
                    assertTrue(defined.contains(m.group(1)), c.getName() + " expands " + m.group() + " but defines "
                            + defined);
                }
            }
        }
    }

    private static Secret basicAuth(String username, String password) {
        return new SecretBuilder().withNewMetadata().withName("git-auth").endMetadata()
                .withType("kubernetes.io/basic-auth").addToData("username", b64(username))
                .addToData("password", b64(password)).build();
    }

    private static GitRepo gitRepo() {
        GitRepo gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setClientSecretName("git-auth");
        return gitRepo;
    }

    private static JobPlanner planner() {
        return new JobPlanner(Fixtures.settings(), () -> PodTemplate.load(null));
    }
}
