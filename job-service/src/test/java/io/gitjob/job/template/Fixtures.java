package io.gitjob.job.template;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.job.decision.Action;

/** GitRepos, Secrets and settings the Job tests share. */
final class Fixtures {

    static final Action.CreateJob CREATE = new Action.CreateJob("simple-0123456789", "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
            3, 2);
    static final String KNOWN_HOSTS = "git.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample";

    private Fixtures() {
    }

    static GitRepo minimal() {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-default").withName("simple")
                .withUid("uid-1").withGeneration(3L).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/simple.git");
        gitRepo.setSpec(spec);
        return gitRepo;
    }

    /** Every field the Job depends on set. */
    static GitRepo everyField() {
        GitRepo gitRepo = minimal();
        gitRepo.getMetadata().setLabels(new LinkedHashMap<>(Map.of("team", "a", "fleet.cattle.io/shard-ref",
                "shard1")));
        GitRepoSpec spec = gitRepo.getSpec();
        spec.setBranch("main");
        spec.setRevision("v1.0.0");
        spec.setPaths(List.of("simple", "multi/cluster"));
        spec.setTargetNamespace("apps");
        spec.setClientSecretName("git-auth");
        spec.setHelmSecretName("helm-auth");
        spec.setHelmRepoURLRegex("https://charts.example/.*");
        spec.setCaBundle(b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"));
        spec.setInsecureSkipTLSVerify(true);
        spec.setServiceAccount("deployer");
        spec.setPaused(false);
        spec.setKeepResources(true);
        spec.setDeleteNamespace(true);
        GitRepoSpec.CorrectDrift drift = new GitRepoSpec.CorrectDrift();
        drift.setEnabled(true);
        drift.setForce(true);
        drift.setKeepFailHistory(true);
        spec.setCorrectDrift(drift);
        spec.setForceSyncGeneration(2L);
        spec.setOciRegistrySecret("oci-auth");
        spec.setTargets(List.of(
                Map.of("name", "prod", "clusterSelector", Map.of("matchLabels", Map.of("env", "prod", "a", "1"))),
                Map.of("clusterGroup", "edge")));
        return gitRepo;
    }

    static JobSettings settings() {
        return new JobSettings(JobSettings.FLEET_IMAGE, JobSettings.FLEET_IMAGE, JobSettings.KUBECTL_IMAGE,
                "gitjob-apply",
                List.of(new TolerationBuilder().withKey("dedicated").withOperator("Exists").withEffect("NoSchedule")
                        .build()),
                Map.of("pool", "gitops"), List.of("regcred"), "http://proxy:3128", "http://proxy:3128",
                "10.0.0.0/8,.svc", "", 900L, true, "cattle-fleet-system/known-hosts", true, false, false, 1, 4);
    }

    static Secret basicAuth(String name) {
        return new SecretBuilder().withNewMetadata().withName(name).endMetadata().withType("kubernetes.io/basic-auth")
                .addToData("username", b64("deploy")).addToData("password", b64("s3cret"))
                .addToData("known_hosts", b64(KNOWN_HOSTS)).build();
    }

    static Secret helmSecret(String name) {
        return new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToData("username", b64("helm")).addToData("password", b64("p"))
                .addToData("cacerts", b64("PEM")).addToData("insecureSkipVerify", b64("true"))
                .addToData("basicHTTP", b64("false")).build();
    }

    static ReferencedObjects objects(Secret... secrets) {
        Map<String, Secret> byName = new LinkedHashMap<>();
        for (Secret s : secrets) {
            byName.put(s.getMetadata().getName(), s);
        }
        return ReferencedObjects.of(byName, Map.of());
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String yaml(Object o) {
        return Serialization.asYaml(o);
    }

    static <T> T parse(String yaml, Class<T> type) {
        return Serialization.unmarshal(yaml, type);
    }
}
