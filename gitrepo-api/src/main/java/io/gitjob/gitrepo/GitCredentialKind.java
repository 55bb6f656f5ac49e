package io.gitjob.gitrepo;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which Git credentials a Secret holds, one rule for the watcher's ls-remote and the Job's clone (job-service's
 * {@code GitClone}), so both always authenticate the same way, as Fleet v0.16.1's gitjob reads the Secret for its
 * Job: the Secret's type first
 * ({@code kubernetes.io/basic-auth}, {@code kubernetes.io/ssh-auth}), then, for an untyped Secret, the GitHub App
 * keys, then {@code username}/{@code password}, then {@code ssh-privatekey}.
 */
public enum GitCredentialKind {
    BASIC_AUTH, SSH_KEY, GITHUB_APP;

    public static final String BASIC_AUTH_TYPE = "kubernetes.io/basic-auth";
    public static final String SSH_AUTH_TYPE = "kubernetes.io/ssh-auth";
    public static final String GITHUB_APP_ID = "github_app_id";
    public static final String GITHUB_APP_INSTALLATION_ID = "github_app_installation_id";
    public static final String GITHUB_APP_PRIVATE_KEY = "github_app_private_key";
    public static final Set<String> GITHUB_APP_KEYS = Set.of(GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID,
            GITHUB_APP_PRIVATE_KEY);

    /** Empty when the Secret holds none of the three kinds. */
    public static Optional<GitCredentialKind> of(String type, Map<String, String> values) {
        boolean gitHubApp = values.keySet().containsAll(GITHUB_APP_KEYS);
        if (BASIC_AUTH_TYPE.equals(type) || !SSH_AUTH_TYPE.equals(type) && !gitHubApp
                && values.containsKey("username") && values.containsKey("password")) {
            return Optional.of(BASIC_AUTH);
        }
        if (SSH_AUTH_TYPE.equals(type) || !gitHubApp && values.containsKey("ssh-privatekey")) {
            return Optional.of(SSH_KEY);
        }
        return gitHubApp ? Optional.of(GITHUB_APP) : Optional.empty();
    }
}
