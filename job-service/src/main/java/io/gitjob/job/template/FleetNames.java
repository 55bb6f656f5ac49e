package io.gitjob.job.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.gitjob.gitrepo.GitRepo;

/**
 * The names Fleet v0.16.1 gives to the objects a GitRepo's Job needs, computed as Fleet's {@code names} package does,
 * so that a GitRepo moved between Fleet's gitjob and gitjob finds the same ServiceAccount, Role and Secrets.
 */
public final class FleetNames {

    private FleetNames() {
    }

    /** {@code git-<name>}: the Job's ServiceAccount, Role and RoleBinding. */
    public static String serviceAccount(GitRepo gitRepo) {
        return safeConcat("git", gitRepo.getMetadata().getName());
    }

    /** The Secret holding {@code spec.caBundle} for the clone. */
    public static String caBundleSecret(GitRepo gitRepo) {
        return gitRepo.getMetadata().getName() + "-cabundle";
    }

    /**
     * gitjob's own (Fleet passes the URL as it is): the Secret holding a {@code spec.repo} that carries credentials,
     * read by the cloner through {@link CloneUrl#ENV}.
     */
    public static String repoUrlSecret(GitRepo gitRepo) {
        return repoUrlSecret(gitRepo.getMetadata().getName());
    }

    /** {@link #repoUrlSecret(GitRepo)} of the GitRepo of that name. */
    public static String repoUrlSecret(String gitRepoName) {
        return gitRepoName + "-repo-url";
    }

    /**
     * Parts joined by '-'; a result of 64 characters or more is cut to 57 and ends in '-' and 5 hex digits of its
     * SHA-256 (56 and 6 when the 57th character is not a lower-case letter or digit), so it stays under 64.
     */
    public static String safeConcat(String... parts) {
        String full = String.join("-", parts);
        if (full.length() < 64) {
            return full;
        }
        String digest = HexFormat.of().formatHex(sha256(full));
        char c = full.charAt(56);
        if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
            return full.substring(0, 57) + "-" + digest.substring(0, 5);
        }
        return full.substring(0, 56) + "-" + digest.substring(0, 6);
    }

    /** The first 12 hex digits of the SHA-256 of the first 100 characters of {@code s}. */
    public static String keyHash(String s) {
        String head = s.length() > 100 ? s.substring(0, 100) : s;
        return HexFormat.of().formatHex(sha256(head)).substring(0, 12);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
