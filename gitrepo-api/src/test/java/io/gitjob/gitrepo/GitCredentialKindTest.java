package io.gitjob.gitrepo;

import static io.gitjob.gitrepo.GitCredentialKind.BASIC_AUTH;
import static io.gitjob.gitrepo.GitCredentialKind.GITHUB_APP;
import static io.gitjob.gitrepo.GitCredentialKind.SSH_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The kind of a Secret's credentials, by the rule job-service's GitClone applies to the Job's clone. */
class GitCredentialKindTest {

    private static final Map<String, String> APP = Map.of("github_app_id", "1", "github_app_installation_id", "2",
            "github_app_private_key", "k");

    @Test
    void theSecretsTypeDecidesFirst() {
        assertEquals(Optional.of(BASIC_AUTH), GitCredentialKind.of("kubernetes.io/basic-auth",
                Map.of("ssh-privatekey", "k", "github_app_id", "1")));
        assertEquals(Optional.of(SSH_KEY), GitCredentialKind.of("kubernetes.io/ssh-auth",
                Map.of("username", "u", "password", "p")));
    }

    @Test
    void anUntypedSecretIsReadByItsKeysGitHubAppFirst() {
        var appAndBasic = new java.util.HashMap<>(APP);
        appAndBasic.putAll(Map.of("username", "u", "password", "p", "ssh-privatekey", "k"));
        assertEquals(Optional.of(GITHUB_APP), GitCredentialKind.of("Opaque", appAndBasic));
        assertEquals(Optional.of(BASIC_AUTH), GitCredentialKind.of("Opaque",
                Map.of("username", "u", "password", "p", "ssh-privatekey", "k")));
        assertEquals(Optional.of(SSH_KEY), GitCredentialKind.of(null, Map.of("ssh-privatekey", "k")));
        assertEquals(Optional.empty(), GitCredentialKind.of("Opaque", Map.of("username", "u")));
    }
}
