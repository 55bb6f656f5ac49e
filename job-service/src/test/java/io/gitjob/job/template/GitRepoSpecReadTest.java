package io.gitjob.job.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitjob.gitrepo.GitRepo;

/** A GitRepo as Fleet's CRD spells its spec (Fleet's JSON names) reaches the Job, and is written back unchanged. */
class GitRepoSpecReadTest {

    private static final String FLEET_GITREPO = """
            apiVersion: fleet.cattle.io/v1alpha1
            kind: GitRepo
            metadata: {name: simple, namespace: fleet-default, uid: uid-1}
            spec:
              repo: https://git.example/simple.git
              helmSecretName: helm-auth
              helmRepoURLRegex: "https://charts.example/.*"
              caBundle: UEVN
              insecureSkipTLSVerify: true
              serviceAccount: deployer
              deleteNamespace: true
              correctDrift: {enabled: true, keepFailHistory: true}
              targets:
              - name: prod
                clusterSelector: {matchLabels: {env: prod}}
              bundles:
              - {base: charts/a, options: fleet-a.yaml}
              imageScanInterval: 5m
            """;

    @Test
    void fleetsFieldNamesAreReadAndUnknownOnesKept() {
        GitRepo gitRepo = Serialization.unmarshal(FLEET_GITREPO, GitRepo.class);
        var spec = gitRepo.getSpec();
        assertEquals("https://charts.example/.*", spec.getHelmRepoURLRegex());
        assertEquals(Boolean.TRUE, spec.getInsecureSkipTLSVerify());
        assertEquals("UEVN", spec.getCaBundle());
        assertEquals(Boolean.TRUE, spec.getCorrectDrift().getKeepFailHistory());
        assertEquals(List.of(Map.of("name", "prod", "clusterSelector", Map.of("matchLabels", Map.of("env", "prod")))),
                spec.getTargets());
        assertEquals("fleet-a.yaml", spec.getBundles().get(0).getOptions());
        assertEquals("5m", spec.getAdditionalProperties().get("imageScanInterval"));

        String written = Serialization.asJson(gitRepo);
        for (String name : List.of("\"helmRepoURLRegex\"", "\"insecureSkipTLSVerify\"", "\"caBundle\"",
                "\"imageScanInterval\"")) {
            assertEquals(1, written.split(name, -1).length - 1, name + " written once: " + written);
        }

        var args = new FleetJobFactory(JobSettings.defaults())
                .build(gitRepo, Fixtures.CREATE, Fixtures.objects(Fixtures.helmSecret("helm-auth"))).getSpec()
                .getTemplate().getSpec().getContainers().get(0).getArgs();
        String line = String.join(" ", args);
        assertTrue(line.contains("--service-account deployer"), line);
        assertTrue(line.contains("--delete-namespace --correct-drift --correct-drift-keep-fail-history"), line);
        assertTrue(line.contains("--helm-repo-url-regex https://charts.example/.*"), line);
        assertTrue(line.endsWith("--driven-scan --driven-scan-sep : --helm-insecure-skip-tls -- simple"
                + " charts/a:fleet-a.yaml"), line);
    }
}
