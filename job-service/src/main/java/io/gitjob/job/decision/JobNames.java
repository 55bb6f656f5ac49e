package io.gitjob.job.decision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name of the Job that applies one state of a GitRepo: a pure function of (GitRepo name and uid, repo URL,
 * commit, generation, forceSyncGeneration), so the same state decided twice asks for the same Job and the API
 * server answers "already exists". The uid keeps a GitRepo deleted and re-created under its name from finding
 * its predecessor's kept Job under the name it wants. Like Fleet's, it starts with the GitRepo's name; the hash is longer
 * than Fleet's 5 hex digits because it covers more inputs.
 */
public final class JobNames {

    /** Kubernetes puts the Job's name in its Pods' {@code job-name} label, whose values stop at 63. */
    public static final int MAX_LENGTH = 63;
    private static final int HASH_LENGTH = 10;

    private JobNames() {
    }

    public static String name(String gitRepoName, String uid, String repo, String commit, long generation,
            long forceSyncGeneration) {
        String hash = sha256(gitRepoName + '\n' + uid + '\n' + repo + '\n' + commit + '\n' + generation + '\n'
                + forceSyncGeneration).substring(0, HASH_LENGTH);
        String prefix = gitRepoName.length() > MAX_LENGTH - HASH_LENGTH - 1
                ? gitRepoName.substring(0, MAX_LENGTH - HASH_LENGTH - 1)
                : gitRepoName;
        // A truncated prefix may end in '-' or '.', which would make "--" or ".-": valid, but ugly and
        // confusing to read in kubectl; trim them.
        while (!prefix.isEmpty() && !Character.isLetterOrDigit(prefix.charAt(prefix.length() - 1))) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix.isEmpty() ? "gitjob-" + hash : prefix + "-" + hash;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
