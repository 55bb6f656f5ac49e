package io.gitjob.watcher.poll;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Git credentials from the Secret named by {@code spec.clientSecretName}, in the GitRepo's namespace, as
 * Fleet reads them: {@code username}/{@code password} for HTTP basic auth, or {@code ssh-privatekey} (with
 * an optional {@code known_hosts}) for SSH. The values never reach a log or an
 * event: errors name the Secret and the missing key only.
 */
@ApplicationScoped
public class GitCredentials {

    @Inject
    KubernetesClient client;

    /** How to authenticate one ls-remote; closed after it (an SSH session factory holds resources). */
    public interface Auth extends AutoCloseable {
        void applyTo(LsRemoteCommand command);

        @Override
        default void close() {
        }
    }

    public static final Auth NONE = command -> {
    };

    /** A Secret that is missing or holds no usable credentials. */
    public static class CredentialsException extends RuntimeException {
        public CredentialsException(String message) {
            super(message);
        }
    }

    public Auth forGitRepo(String namespace, String secretName) {
        if (secretName == null || secretName.isBlank()) {
            return NONE;
        }
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (secret == null) {
            throw new CredentialsException("secret " + namespace + "/" + secretName
                    + " (spec.clientSecretName) not found");
        }
        return fromSecret(namespace + "/" + secretName, values(secret));
    }

    static Auth fromSecret(String secretName, Map<String, String> values) {
        String username = values.get("username");
        String password = values.get("password");
        if (username != null && password != null) {
            UsernamePasswordCredentialsProvider provider = new UsernamePasswordCredentialsProvider(username, password);
            return command -> command.setCredentialsProvider(provider);
        }
        if (values.containsKey("ssh-privatekey")) {
            return SshAuth.of(secretName, values.get("ssh-privatekey"), values.get("known_hosts"));
        }
        throw new CredentialsException("secret " + secretName + " has neither username and password nor "
                + "ssh-privatekey");
    }

    private static Map<String, String> values(Secret secret) {
        Map<String, String> values = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> values.put(k,
                    new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }
}
