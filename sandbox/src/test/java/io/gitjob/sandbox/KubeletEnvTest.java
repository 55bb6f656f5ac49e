package io.gitjob.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * The kubelet's part the Job runner plays for a container's environment, against <b>Fabric8's mock API server in
 * CRUD mode</b> standing in for the cluster's Secrets.
 */
class KubeletEnvTest {

    private static final String NS = "fleet-local";

    private KubernetesMockServer mock;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new SandboxCrudDispatcher(true, true, new JobCreations()), false);
        mock.init(InetAddress.getLoopbackAddress(), 0);
        client = mock.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        mock.destroy();
    }

    @Test
    void dollarParenthesesAreReplacedAsKubernetesDoes() {
        Map<String, String> env = Map.of("URL", "http://t@h/r", "EMPTY", "");
        assertEquals("http://t@h/r", KubeletEnv.expand("$(URL)", env));
        assertEquals("a http://t@h/r b", KubeletEnv.expand("a $(URL) b", env));
        assertEquals("", KubeletEnv.expand("$(EMPTY)", env));
        assertEquals("$(UNKNOWN)", KubeletEnv.expand("$(UNKNOWN)", env), "an unknown name stays as written");
        assertEquals("$(URL)", KubeletEnv.expand("$$(URL)", env), "$$ is a literal $");
        assertEquals("$(URL", KubeletEnv.expand("$(URL", env), "an unclosed reference stays");
        assertEquals("cost $5", KubeletEnv.expand("cost $5", env));
    }

    @Test
    void theClonersUrlComesFromTheSecretItsEnvNames() {
        String url = "http://ghp123secret@git.example.com/org/repo";
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("app-repo-url")
                .endMetadata().addToData("url", Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8)))
                .build()).create();
        Container cloner = cloner("app-repo-url", "url", false);

        Map<String, String> env = KubeletEnv.resolve(client, NS, cloner);
        assertEquals(List.of("fleet", "gitcloner", url, "/workspace"), KubeletEnv.words(cloner, env));
        assertEquals("true", env.get("FLEET_JSON_OUTPUT"));
    }

    @Test
    void aMissingSecretOrKeyKeepsTheContainerFromStartingUnlessOptional() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> KubeletEnv.resolve(client, NS, cloner("gone", "url", false)));
        assertTrue(missing.getMessage().contains("CreateContainerConfigError") && missing.getMessage().contains("gone"),
                missing.getMessage());
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("other").endMetadata()
                .addToData("x", "eA==").build()).create();
        assertThrows(IllegalStateException.class, () -> KubeletEnv.resolve(client, NS, cloner("other", "url", false)));

        Map<String, String> optional = KubeletEnv.resolve(client, NS, cloner("gone", "url", true));
        assertFalse(optional.containsKey("GITJOB_REPO_URL"));
        assertEquals("$(GITJOB_REPO_URL)", KubeletEnv.words(cloner("gone", "url", true), optional).get(2));
    }

    @Test
    void aCloneErrorNamesNoUserinfo() {
        String url = "https://oauth2:glpatSECRET123@git.example.com/org/repo";
        String message = "error: cannot check out " + url + " at abc: " + "https://oauth2@git.example.com/org/repo: "
                + "not authorized; token glpatSECRET123";
        String hidden = JobRunner.hideUserinfo(message, url, null);
        assertFalse(hidden.contains("glpatSECRET123"), hidden);
        assertTrue(hidden.contains("https://***@git.example.com/org/repo"), hidden);
        assertEquals("no URL at all", JobRunner.hideUserinfo("no URL at all", "/local/path", "git@host:repo"));
    }

    private static Container cloner(String secret, String key, boolean optional) {
        return new ContainerBuilder().withName("gitcloner-initializer").withCommand("fleet")
                .withArgs("gitcloner", "$(GITJOB_REPO_URL)", "/workspace")
                .addNewEnv().withName("FLEET_JSON_OUTPUT").withValue("true").endEnv()
                .addNewEnv().withName("GITJOB_REPO_URL").withNewValueFrom().withNewSecretKeyRef().withName(secret)
                .withKey(key).withOptional(optional).endSecretKeyRef().endValueFrom().endEnv()
                .build();
    }
}
