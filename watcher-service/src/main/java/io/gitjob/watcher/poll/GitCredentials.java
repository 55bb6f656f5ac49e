package io.gitjob.watcher.poll;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitCredentialKind;
import io.gitjob.support.ClusterReads;

/**
 * How the watcher's ls-remote of one GitRepo authenticates and whom it trusts, with Fleet's precedence:
 * <ul>
 * <li>the Secret {@code spec.clientSecretName}, else the namespace's {@code gitcredential} when it exists (absent:
 * anonymous; a named Secret absent: an error naming it), read as {@link GitCredentialKind} says: basic auth, an SSH
 * key, or a GitHub App (an installation token from {@link GitHubAppTokens}, sent as basic auth);</li>
 * <li>HTTPS trust: {@code spec.caBundle}, else Rancher's CA bundle (Secrets {@code cattle-system/tls-ca} and
 * {@code tls-ca-additional}) besides the JVM's CAs, or no verification with {@code spec.insecureSkipTLSVerify};
 * for this GitRepo only ({@link TlsTrust});</li>
 * <li>SSH host keys: the Secret's {@code known_hosts}, else the cluster-wide known-hosts ConfigMap; none: refused,
 * unless {@code gitjob.watcher.insecure-skip-host-key-checks} accepts unknown keys (warned once per GitRepo).</li>
 * </ul>
 * Values never reach a log, an event or an error: errors name the Secret and the key only.
 */
@ApplicationScoped
public class GitCredentials {

    private static final Logger LOG = Logger.getLogger(GitCredentials.class);

    /** Fleet's default credentials Secret, used when the GitRepo names none and it exists. */
    public static final String DEFAULT_SECRET =
            io.gitjob.gitrepo.FleetConventions.DEFAULT_GIT_CREDENTIALS_SECRET;
    static final String RANCHER_NAMESPACE = "cattle-system";
    static final String RANCHER_CA_SECRET = "tls-ca";
    static final String RANCHER_CA_KEY = "cacerts.pem";
    static final String RANCHER_ADDITIONAL_CA_SECRET = "tls-ca-additional";
    static final String RANCHER_ADDITIONAL_CA_KEY = "ca-additional.pem";
    static final String KNOWN_HOSTS_KEY = "known_hosts";

    @Inject
    ClusterReads reads;

    @Inject
    GitHubAppTokens gitHubApps;

    @ConfigProperty(name = "gitjob.watcher.known-hosts-config-map", defaultValue = "cattle-fleet-system/known-hosts")
    String knownHostsConfigMap;

    @ConfigProperty(name = "gitjob.watcher.insecure-skip-host-key-checks", defaultValue = "false")
    boolean insecureSkipHostKeyChecks;

    private final Set<String> warnedHostKeys = ConcurrentHashMap.newKeySet();
    private volatile boolean warnedRancherCa;
    /** {@link System#nanoTime()} until which Rancher's CA Secrets are taken as unreadable. */
    private volatile long rancherForbiddenUntil = System.nanoTime();
    private static final Duration RANCHER_FORBIDDEN_MEMORY = Duration.ofMinutes(5);

    public GitCredentials() {
    }

    /** Outside CDI (tests). */
    GitCredentials(KubernetesClient client, GitHubAppTokens gitHubApps, String knownHostsConfigMap,
            boolean insecureSkipHostKeyChecks) {
        this.reads = new ClusterReads(client, Duration.ZERO);
        this.gitHubApps = gitHubApps;
        this.knownHostsConfigMap = knownHostsConfigMap;
        this.insecureSkipHostKeyChecks = insecureSkipHostKeyChecks;
    }

    /** How to authenticate one ls-remote; closed after it (an SSH session factory holds resources). */
    public interface Auth extends AutoCloseable {
        void applyTo(LsRemoteCommand command);

        /** Why an SSH host key was refused during the ls-remote, if one was. */
        default Optional<String> hostKeyRefusal() {
            return Optional.empty();
        }

        @Override
        default void close() {
        }
    }

    /** Anonymous, JVM trust: for callers outside a cluster (the benchmark). */
    public static final Auth NONE = command -> {
    };

    /** A Secret or setting that is missing or holds no usable credentials or trust. */
    public static class CredentialsException extends RuntimeException {
        public CredentialsException(String message) {
            super(message);
        }
    }

    /**
     * The Auth of one ls-remote of {@code live}, the GitRepo as the informer holds it (its raw {@code spec.repo}
     * decides the transport and, for a GitHub App, the API host). A GitHub App token may be minted here.
     */
    public Auth forGitRepo(GitRepo live) {
        String namespace = live.getMetadata().getNamespace();
        String gitRepoName = namespace + "/" + live.getMetadata().getName();
        GitRepoSpec spec = live.getSpec();
        String url = spec.getRepo() == null ? "" : spec.getRepo().trim();
        boolean named = !blank(spec.getClientSecretName());
        String secretName = named ? spec.getClientSecretName() : DEFAULT_SECRET;
        Secret secret = reads.secret(namespace, secretName).orElse(null);
        if (secret == null && named) {
            throw new CredentialsException("secret " + namespace + "/" + secretName
                    + " (spec.clientSecretName) not found");
        }
        String secretRef = namespace + "/" + secretName;
        Map<String, String> values = secret == null ? Map.of() : ClusterReads.values(secret);
        TlsTrust tls = isHttps(url) ? tls(live) : TlsTrust.JVM_DEFAULT;

        GitCredentialKind kind = null;
        if (secret != null) {
            kind = GitCredentialKind.of(secret.getType(), values).orElseThrow(() -> new CredentialsException(
                    "secret " + secretRef + " (type " + secret.getType() + ") holds no Git credentials: a "
                            + GitCredentialKind.BASIC_AUTH_TYPE + " (username, password) or "
                            + GitCredentialKind.SSH_AUTH_TYPE + " (ssh-privatekey) Secret, or the GitHub App keys "
                            + "github_app_id, github_app_installation_id, github_app_private_key, are expected"));
        }
        if (isSsh(url) && kind != GitCredentialKind.SSH_KEY) {
            throw new CredentialsException("an SSH repo URL needs an SSH key: "
                    + (secret == null ? "set spec.clientSecretName (or create Secret " + secretRef + ")"
                            : "Secret " + secretRef + " holds no ssh-privatekey")
                    + " of type " + GitCredentialKind.SSH_AUTH_TYPE);
        }
        if (kind == null) {
            return new GitRepoAuth(null, null, tls);
        }
        return switch (kind) {
            case BASIC_AUTH -> new GitRepoAuth(basicAuth(values), null, tls);
            case GITHUB_APP -> new GitRepoAuth(new UsernamePasswordCredentialsProvider(GitHubAppTokens.TOKEN_USER,
                    gitHubApps.token(url, secretRef, values.get(GitCredentialKind.GITHUB_APP_ID),
                            values.get(GitCredentialKind.GITHUB_APP_INSTALLATION_ID),
                            values.get(GitCredentialKind.GITHUB_APP_PRIVATE_KEY), tls)), null, tls);
            case SSH_KEY -> {
                String key = values.get("ssh-privatekey");
                if (blank(key)) {
                    throw new CredentialsException("secret " + secretRef + " has no ssh-privatekey");
                }
                yield new GitRepoAuth(null, SshAuth.of(secretRef, key, hostKeys(gitRepoName, secretRef, values)),
                        tls);
            }
        };
    }

    /** Fleet's basic auth: a password without a user name is sent as the user name (a token-only Secret). */
    private static CredentialsProvider basicAuth(Map<String, String> values) {
        String username = values.getOrDefault("username", "");
        String password = values.getOrDefault("password", "");
        if (username.isEmpty()) {
            return password.isEmpty() ? null : new UsernamePasswordCredentialsProvider(password, "");
        }
        return new UsernamePasswordCredentialsProvider(username, password);
    }

    private HostKeyCheck hostKeys(String gitRepoName, String secretRef, Map<String, String> values) {
        Runnable warn = () -> {
            if (warnedHostKeys.add(gitRepoName)) {
                LOG.warnf("GitRepo %s: accepting an SSH host key that no known_hosts lists, because "
                        + "gitjob.watcher.insecure-skip-host-key-checks=true; anyone between the watcher and the "
                        + "Git host can impersonate it", gitRepoName);
            }
        };
        String fromSecret = values.get(KNOWN_HOSTS_KEY);
        if (!blank(fromSecret)) {
            return HostKeyCheck.of(fromSecret, "key known_hosts of Secret " + secretRef,
                    insecureSkipHostKeyChecks, warn);
        }
        String configMapRef = blank(knownHostsConfigMap) ? "" : knownHostsConfigMap.trim();
        int slash = configMapRef.indexOf('/');
        String fromConfigMap = null;
        String missing = "no known-hosts ConfigMap is configured (gitjob.watcher.known-hosts-config-map)";
        if (slash > 0) {
            ConfigMap configMap = reads.configMap(configMapRef.substring(0, slash), configMapRef.substring(slash + 1))
                    .orElse(null);
            fromConfigMap = configMap == null || configMap.getData() == null ? null
                    : configMap.getData().get(KNOWN_HOSTS_KEY);
            missing = configMap == null ? "ConfigMap " + configMapRef + " does not exist"
                    : "ConfigMap " + configMapRef + " has no known_hosts key";
        }
        if (!blank(fromConfigMap)) {
            return HostKeyCheck.of(fromConfigMap, "key known_hosts of ConfigMap " + configMapRef,
                    insecureSkipHostKeyChecks, warn);
        }
        if (!insecureSkipHostKeyChecks) {
            throw new CredentialsException("SSH host keys are checked but none are known: Secret " + secretRef
                    + " has no known_hosts key and " + missing + "; add the host's keys to either, or set "
                    + "gitjob.watcher.insecure-skip-host-key-checks=true to accept unknown host keys");
        }
        return HostKeyCheck.of(null, "no known_hosts", true, warn);
    }

    private TlsTrust tls(GitRepo live) {
        GitRepoSpec spec = live.getSpec();
        String gitRepoName = live.getMetadata().getNamespace() + "/" + live.getMetadata().getName();
        if (Boolean.TRUE.equals(spec.getInsecureSkipTLSVerify())) {
            return TlsTrust.of(null, "", true);
        }
        if (!blank(spec.getCaBundle())) {
            String pem;
            try {
                pem = decode(spec.getCaBundle());
            } catch (IllegalArgumentException e) {
                throw new CredentialsException("spec.caBundle of GitRepo " + gitRepoName + " is not base64");
            }
            return TlsTrust.of(pem, "spec.caBundle of GitRepo " + gitRepoName, false);
        }
        String rancher = rancherCaBundle();
        return blank(rancher) ? TlsTrust.JVM_DEFAULT
                : TlsTrust.of(rancher, "Rancher's CA bundle (Secrets " + RANCHER_NAMESPACE + "/" + RANCHER_CA_SECRET
                        + ", " + RANCHER_ADDITIONAL_CA_SECRET + ")", false);
    }

    /** Fleet trusts Rancher's CAs for a GitRepo without its own bundle: tls-ca, then tls-ca-additional. */
    private String rancherCaBundle() {
        if (System.nanoTime() < rancherForbiddenUntil) {
            return ""; // forbidden a moment ago: not asked at every poll (ClusterReads keeps no errors)
        }
        Secret ca;
        Secret additional;
        try {
            ca = reads.secret(RANCHER_NAMESPACE, RANCHER_CA_SECRET).orElse(null);
            additional = reads.secret(RANCHER_NAMESPACE, RANCHER_ADDITIONAL_CA_SECRET).orElse(null);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
            // Without Rancher there is no reason to grant the watcher cattle-system: polls go on with JVM CAs.
            rancherForbiddenUntil = System.nanoTime() + RANCHER_FORBIDDEN_MEMORY.toNanos();
            if (!warnedRancherCa) {
                warnedRancherCa = true;
                LOG.warnf("Cannot read Rancher's CA bundle (Secrets %s/%s, %s: forbidden); HTTPS remotes without "
                        + "spec.caBundle are checked against the JVM's CAs only", RANCHER_NAMESPACE,
                        RANCHER_CA_SECRET, RANCHER_ADDITIONAL_CA_SECRET);
            }
            return "";
        }
        StringBuilder bundle = new StringBuilder();
        if (ca != null) {
            String pem = ClusterReads.values(ca).get(RANCHER_CA_KEY);
            if (pem == null) {
                throw new CredentialsException("Secret " + RANCHER_NAMESPACE + "/" + RANCHER_CA_SECRET + " has no "
                        + RANCHER_CA_KEY + " key");
            }
            bundle.append(pem).append('\n');
        }
        if (additional != null) {
            String pem = ClusterReads.values(additional).get(RANCHER_ADDITIONAL_CA_KEY);
            if (pem == null) {
                throw new CredentialsException("Secret " + RANCHER_NAMESPACE + "/" + RANCHER_ADDITIONAL_CA_SECRET
                        + " has no " + RANCHER_ADDITIONAL_CA_KEY + " key");
            }
            bundle.append(pem).append('\n');
        }
        return bundle.toString();
    }

    /** The credentials, trust and host key check of one ls-remote, set on its transport only. */
    private static final class GitRepoAuth implements Auth {
        private final CredentialsProvider credentials;
        private final SshAuth ssh;
        private final TlsTrust tls;

        GitRepoAuth(CredentialsProvider credentials, SshAuth ssh, TlsTrust tls) {
            this.credentials = credentials;
            this.ssh = ssh;
            this.tls = tls;
        }

        @Override
        public void applyTo(LsRemoteCommand command) {
            if (credentials != null) {
                command.setCredentialsProvider(credentials);
            }
            command.setTransportConfigCallback(transport -> {
                if (transport instanceof TransportHttp http) {
                    http.setHttpConnectionFactory(tls.connectionFactory());
                }
                if (ssh != null && transport instanceof SshTransport sshTransport) {
                    sshTransport.setSshSessionFactory(ssh.factory());
                }
            });
        }

        @Override
        public Optional<String> hostKeyRefusal() {
            return ssh == null ? Optional.empty() : ssh.hostKeys().refusal();
        }

        @Override
        public void close() {
            if (ssh != null) {
                ssh.close();
            }
        }
    }

    /** scp-like {@code user@host:path} or an {@code ssh://} URL. */
    static boolean isSsh(String repo) {
        return repo.startsWith("ssh://") || !repo.contains("://") && repo.matches("^[^/]+@[^/:]+:.*");
    }

    private static boolean isHttps(String repo) {
        return repo.regionMatches(true, 0, "https://", 0, 8);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
