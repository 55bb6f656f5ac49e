package io.gitjob.job.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.gitjob.gitrepo.GitCredentialKind;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.events.UrlCredentials;

/**
 * How {@code fleet gitcloner} clones a GitRepo, as Fleet v0.16.1's gitjob decides it: the ref (branch, else revision,
 * else {@code master}), the credentials from {@code clientSecretName} or else the namespace's {@code gitcredential}
 * Secret when there is one (basic auth, SSH key or GitHub App, by the Secret's type), insecure TLS, the CA bundle
 * Secret, and the known_hosts data. Only GitHub App ids are read out of a Secret and passed as arguments, as Fleet
 * does; passwords and keys stay in the mounted files. Unlike Fleet, which writes a basic-auth user name into the
 * arguments, the user name is {@link #USERNAME_EXPANSION}, taken from the Secret by the kubelet ({@link #env}): a
 * user name is often a token (GitHub's {@code <token>:x-oauth-basic}, a personal access token as user, Gitea's
 * and Gogs' tokens), and nothing tells every such token from a name, so none goes into the Job.
 *
 * @param flags the gitcloner flags after {@code gitcloner <repo> <dir>}
 * @param credentialsSecret the Secret mounted for the clone, null when none
 * @param credentialsMountPath where it is mounted (the flags name files under it)
 * @param caBundle whether the {@code <name>-cabundle} Secret is mounted at {@link #CA_BUNDLE_DIR}
 * @param knownHosts the known_hosts data, "" when none
 * @param env the variables the flags expand, to be defined in the container that runs the cloner
 */
public record GitClone(List<String> flags, String credentialsSecret, String credentialsMountPath, boolean caBundle,
        String knownHosts, List<EnvVar> env) {

    /** Fleet's default credentials Secret, used when the GitRepo names none and it exists. */
    public static final String DEFAULT_CREDENTIALS_SECRET =
            io.gitjob.gitrepo.FleetConventions.DEFAULT_GIT_CREDENTIALS_SECRET;
    public static final String CA_BUNDLE_DIR = "/gitjob/cabundle";
    /** The key of {@code spec.caBundle} in the CA bundle Secret. */
    public static final String CA_BUNDLE_KEY = "additional-ca.crt";
    public static final String KNOWN_HOSTS_ENV = "FLEET_KNOWN_HOSTS";
    public static final String USERNAME_ENV = "GITJOB_GIT_USERNAME";
    public static final String USERNAME_EXPANSION = "$(" + USERNAME_ENV + ")";
    static final String USERNAME_KEY = "username";

    /**
     * @param pinnedCommit null: Fleet's rule for the ref; else {@code --revision <commit>}, so the clone is exactly
     *        the commit the Job is for (kubectl mode)
     * @param credentialsDir null: Fleet's directory per kind of credentials; else that one for all (a template
     *        mounts the Secret at one place)
     */
    public static GitClone of(GitRepo gitRepo, ReferencedObjects objects, JobSettings settings, String pinnedCommit,
            String credentialsDir) {
        GitRepoSpec spec = gitRepo.getSpec();
        String namespace = gitRepo.getMetadata().getNamespace();
        List<String> flags = new ArrayList<>();
        List<EnvVar> env = new ArrayList<>();
        if (pinnedCommit != null) {
            flags.add("--revision");
            flags.add(pinnedCommit);
        } else if (!blank(spec.getBranch())) {
            flags.add("--branch");
            flags.add(spec.getBranch());
        } else if (!blank(spec.getRevision())) {
            flags.add("--revision");
            flags.add(spec.getRevision());
        } else {
            flags.add("--branch");
            flags.add("master");
        }

        boolean named = !blank(spec.getClientSecretName());
        String secretName = named ? spec.getClientSecretName() : DEFAULT_CREDENTIALS_SECRET;
        Optional<Secret> secret = objects.secret(secretName);
        if (secret.isEmpty() && named) {
            throw new InvalidGitRepoException("spec.clientSecretName names Secret " + secretName
                    + ", which does not exist in namespace " + namespace);
        }
        String mountPath = null;
        if (secret.isPresent()) {
            Map<String, String> data = data(secret.get());
            String type = secret.get().getType();
            GitCredentialKind kind = GitCredentialKind.of(type, data).orElseThrow(() -> new InvalidGitRepoException(
                    "Secret " + namespace + "/" + secretName + " (type " + type + ") holds no Git credentials: a "
                            + GitCredentialKind.BASIC_AUTH_TYPE + " or " + GitCredentialKind.SSH_AUTH_TYPE
                            + " Secret, or the GitHub App keys " + GitCredentialKind.GITHUB_APP_KEYS
                            + ", are expected"));
            switch (kind) {
                case BASIC_AUTH -> {
                    mountPath = dir(credentialsDir, "/gitjob/credentials");
                    // A Secret without the key gives Fleet's empty user name: a variable from a missing key would
                    // keep the Pod from starting.
                    String username = "";
                    if (data.containsKey(USERNAME_KEY)) {
                        username = USERNAME_EXPANSION;
                        env.add(new EnvVarBuilder().withName(USERNAME_ENV).withNewValueFrom().withNewSecretKeyRef()
                                .withName(secretName).withKey(USERNAME_KEY).withOptional(false).endSecretKeyRef()
                                .endValueFrom().build());
                    }
                    flags.addAll(List.of("--username", username, "--password-file", mountPath + "/password"));
                }
                case SSH_KEY -> {
                    mountPath = dir(credentialsDir, "/gitjob/ssh");
                    flags.addAll(List.of("--ssh-private-key-file", mountPath + "/ssh-privatekey"));
                }
                case GITHUB_APP -> {
                    mountPath = dir(credentialsDir, "/gitjob/githubapp");
                    flags.addAll(List.of("--github-app-id", decode(data.get(GitCredentialKind.GITHUB_APP_ID)),
                            "--github-app-installation-id",
                            decode(data.get(GitCredentialKind.GITHUB_APP_INSTALLATION_ID)),
                            "--github-app-key-file", mountPath + "/" + GitCredentialKind.GITHUB_APP_PRIVATE_KEY));
                }
            }
        }

        if (Boolean.TRUE.equals(spec.getInsecureSkipTLSVerify())) {
            flags.add("--insecure-skip-tls");
        }
        boolean caBundle = !blank(spec.getCaBundle())
                || objects.secret(FleetNames.caBundleSecret(gitRepo)).isPresent();
        if (caBundle) {
            flags.addAll(List.of("--ca-bundle-file", CA_BUNDLE_DIR + "/" + CA_BUNDLE_KEY));
        }

        String knownHosts = knownHosts(secret, objects, settings);
        if (knownHosts.isEmpty() && settings.strictHostKeyChecks() && isSsh(spec.getRepo())) {
            throw new InvalidGitRepoException("strict SSH host key checks are on (gitjob.job.strict-host-key-checks)"
                    + " but no known_hosts data was found for " + UrlCredentials.redact(spec.getRepo())
                    + ": add a known_hosts key to Secret "
                    + secretName + " or to ConfigMap " + settings.knownHostsConfigMap());
        }
        return new GitClone(List.copyOf(flags), secret.map(s -> secretName).orElse(null), mountPath, caBundle,
                knownHosts, List.copyOf(env));
    }

    private static String knownHosts(Optional<Secret> secret, ReferencedObjects objects, JobSettings settings) {
        String fromSecret = secret.map(s -> data(s).get("known_hosts")).map(GitClone::decode).orElse("");
        if (!fromSecret.isEmpty()) {
            return fromSecret;
        }
        String ref = settings.knownHostsConfigMap();
        int slash = ref == null ? -1 : ref.indexOf('/');
        if (slash <= 0) {
            return "";
        }
        return objects.configMap(ref.substring(0, slash), ref.substring(slash + 1))
                .map(ConfigMap::getData).map(d -> d.get("known_hosts")).orElse("");
    }

    /** scp-like {@code user@host:path} or an {@code ssh://} URL: the transports that check host keys. */
    private static boolean isSsh(String repo) {
        if (repo == null) {
            return false;
        }
        return repo.startsWith("ssh://") || !repo.contains("://") && repo.matches("^[^/]+@[^/:]+:.*");
    }

    private static String dir(String fixed, String fleets) {
        return fixed == null ? fleets : fixed;
    }

    private static Map<String, String> data(Secret secret) {
        return secret.getData() == null ? Map.of() : secret.getData();
    }

    private static String decode(String base64) {
        return base64 == null ? "" : new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
