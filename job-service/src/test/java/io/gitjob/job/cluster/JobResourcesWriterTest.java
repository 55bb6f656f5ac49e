package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobMode;
import io.gitjob.job.template.JobPrerequisites;
import io.gitjob.job.template.JobSettings;

/**
 * The prerequisites of a Job written to Fabric8's mock API server in CRUD mode (standing in for the cluster's API
 * server; an expectation set on it answers before the CRUD store), as on every Job creation.
 */
@EnableKubernetesMockClient(crud = true)
class JobResourcesWriterTest {

    private static final String REPO_URL_SECRET = "simple-repo-url";

    static KubernetesClient client;
    static KubernetesMockServer server;

    private final GitRepo gitRepo = gitRepo();

    @BeforeEach
    void clean() {
        client.serviceAccounts().inAnyNamespace().delete();
        client.rbac().roles().inAnyNamespace().delete();
        client.rbac().roleBindings().inAnyNamespace().delete();
        client.configMaps().inAnyNamespace().delete();
        client.secrets().inAnyNamespace().delete();
    }

    @Test
    void theFirstCallCreatesEverythingAndTheNextChangesNothing() {
        List<HasMetadata> wanted = JobPrerequisites.of(gitRepo, JobMode.FLEET, JobSettings.defaults());

        var first = JobResourcesWriter.ensure(client, wanted);
        assertEquals(List.of("ServiceAccount fleet-default/git-simple", "Role fleet-default/git-simple",
                "RoleBinding fleet-default/git-simple", "ConfigMap fleet-default/simple-config-fae44897c8d5",
                "Secret fleet-default/simple-cabundle"), first.created());

        String roleVersion = role().getMetadata().getResourceVersion();
        var again = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));
        assertEquals(List.of(), again.created());
        assertEquals(List.of(), again.updated());
        assertEquals(5, again.unchanged().size());
        assertEquals(roleVersion, role().getMetadata().getResourceVersion(), "nothing written when nothing changed");

        Secret ca = client.secrets().inNamespace("fleet-default").withName("simple-cabundle").get();
        assertEquals(Map.of("additional-ca.crt", gitRepo.getSpec().getCaBundle()), ca.getData());
        assertEquals("uid-1", ca.getMetadata().getOwnerReferences().get(0).getUid());
    }

    @Test
    void aRoleChangedByHandIsPutBackKeepingOthersLabels() {
        JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET, JobSettings.defaults()));
        Role edited = role();
        edited.setRules(List.of(new PolicyRuleBuilder().withApiGroups("").withResources("pods").withVerbs("*")
                .build()));
        edited.getMetadata().getLabels().put("someone.else/label", "kept");
        client.resource(edited).update();

        var outcome = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));

        assertEquals(List.of("Role fleet-default/git-simple"), outcome.updated());
        Role role = role();
        assertEquals(JobPrerequisites.of(gitRepo, JobMode.FLEET, JobSettings.defaults()).stream()
                .filter(Role.class::isInstance).map(Role.class::cast).findFirst().orElseThrow().getRules(),
                role.getRules());
        assertEquals("kept", role.getMetadata().getLabels().get("someone.else/label"));
    }

    @Test
    void aRoleBindingToAnotherRoleIsReplacedAsItsRoleRefCannotChange() {
        JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET, JobSettings.defaults()));

        // The same GitRepo switched to kubectl mode: its binding now points at the ClusterRole.
        var outcome = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.KUBECTL,
                JobSettings.defaults()));

        assertEquals(List.of("RoleBinding fleet-default/git-simple"), outcome.updated());
        RoleBinding binding = client.rbac().roleBindings().inNamespace("fleet-default").withName("git-simple").get();
        assertEquals(List.of("ClusterRole", "gitjob-apply"), List.of(binding.getRoleRef().getKind(),
                binding.getRoleRef().getName()));
    }

    @Test
    void aChangedCaBundleUpdatesTheSecretAndAnExistingServiceAccountIsLeftAlone() {
        client.resource(new ServiceAccountBuilder().withMetadata(new ObjectMetaBuilder().withNamespace(
                "fleet-default").withName("git-simple").addToAnnotations("made-by", "fleet").build()).build())
                .create();
        JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET, JobSettings.defaults()));

        gitRepo.getSpec().setCaBundle("Q0hBTkdFRA==");
        var outcome = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));

        assertEquals(List.of("Secret fleet-default/simple-cabundle"), outcome.updated());
        assertEquals("Q0hBTkdFRA==", client.secrets().inNamespace("fleet-default").withName("simple-cabundle").get()
                .getData().get("additional-ca.crt"));
        var sa = client.serviceAccounts().inNamespace("fleet-default").withName("git-simple").get();
        assertEquals("fleet", sa.getMetadata().getAnnotations().get("made-by"));
        assertTrue(outcome.unchanged().contains("ServiceAccount fleet-default/git-simple"));
    }

    @Test
    void anObjectLeftByAnEarlierGitRepoOfTheSameNameIsTakenOver() {
        var old = JobPrerequisites.of(gitRepo, JobMode.FLEET, JobSettings.defaults()).get(3);
        old.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion(GitRepo.API_VERSION)
                .withKind(GitRepo.KIND).withName("simple").withUid("uid-0").withController(true).build()));
        client.resource(old).create();

        var outcome = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));

        assertEquals(List.of("ConfigMap fleet-default/simple-config-fae44897c8d5"), outcome.updated());
        assertEquals("uid-1", client.configMaps().inNamespace("fleet-default").withName("simple-config-fae44897c8d5")
                .get().getMetadata().getOwnerReferences().get(0).getUid());
    }

    @Test
    void theRepoUrlSecretIsDeletedOnceTheCredentialsAreRemovedFromTheUrl() {
        gitRepo.getSpec().setRepo("https://bot:T0kenNobodyMayRead@git.example/simple.git");
        var first = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));
        assertTrue(first.created().contains("Secret fleet-default/" + REPO_URL_SECRET), first.toString());

        gitRepo.getSpec().setRepo("https://git.example/simple.git");
        var outcome = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));

        assertEquals(List.of("Secret fleet-default/" + REPO_URL_SECRET), outcome.deleted());
        assertNull(repoUrlSecret());
        var again = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.KUBECTL,
                JobSettings.defaults()));
        assertEquals(List.of(), again.deleted());
    }

    @Test
    void aSecretOfThatNameGitjobDidNotMakeIsLeftAlone() {
        client.resource(new SecretBuilder().withNewMetadata().withNamespace("fleet-default").withName(REPO_URL_SECRET)
                .endMetadata().addToData("url", "dXNlcnM=").build()).create();

        var outcome = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));

        assertEquals(List.of(), outcome.deleted());
        assertEquals("dXNlcnM=", repoUrlSecret().getData().get("url"));
    }

    @Test
    void aFailedDeleteDoesNotStopTheJobAndIsTriedAgainWithTheNext() {
        gitRepo.getSpec().setRepo("https://T0kenNobodyMayRead@git.example/simple.git");
        JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET, JobSettings.defaults()));
        gitRepo.getSpec().setRepo("https://git.example/simple.git");
        // Refused, as by an RBAC without delete (a 5xx the client would retry by itself).
        server.expect().delete().withPath("/api/v1/namespaces/fleet-default/secrets/" + REPO_URL_SECRET)
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\",\"message\":"
                        + "\"secrets is forbidden\"}").once();

        var failed = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));

        assertEquals(List.of(), failed.deleted());
        assertEquals(5, failed.unchanged().size(), "the other prerequisites are in place: " + failed);
        assertNotNull(repoUrlSecret());
        var next = JobResourcesWriter.ensure(client, JobPrerequisites.of(gitRepo, JobMode.FLEET,
                JobSettings.defaults()));
        assertEquals(List.of("Secret fleet-default/" + REPO_URL_SECRET), next.deleted());
        assertNull(repoUrlSecret());
    }

    private static Secret repoUrlSecret() {
        return client.secrets().inNamespace("fleet-default").withName(REPO_URL_SECRET).get();
    }

    private static Role role() {
        return client.rbac().roles().inNamespace("fleet-default").withName("git-simple").get();
    }

    private static GitRepo gitRepo() {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-default").withName("simple").withUid("uid-1")
                .build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/simple.git");
        spec.setCaBundle("UEVN");
        gitRepo.setSpec(spec);
        return gitRepo;
    }
}
