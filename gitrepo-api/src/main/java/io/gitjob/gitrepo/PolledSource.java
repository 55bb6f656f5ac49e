package io.gitjob.gitrepo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which source (repo, branch, revision) a GitRepo's {@code status.pollingCommit} was resolved from. Fleet's
 * status has no field for it, so the watcher keeps it in an annotation (metadata, which no CRD prunes), written
 * after the commit: when a GitRepo's repo, branch or revision is edited, its {@code pollingCommit} still names
 * the old source's head until the watcher has asked the new one, and job-service must not apply it meanwhile.
 * A GitRepo without the annotation (Fleet's own poller, an older gitjob) is taken as resolved from its spec.
 */
public final class PolledSource {

    public static final String ANNOTATION = "gitjob.io/polled-source";

    private PolledSource() {
    }

    /**
     * A short digest of the source: equal for equal (repo, branch, revision); null and "" alike. The repo is taken
     * without credentials written into its URL: the watcher sees it so (events carry no credentials), job-service
     * reads it raw from the GitRepo, and a rotated token is the same source.
     */
    public static String of(String repo, String branch, String revision) {
        return digest(blank(io.gitjob.events.UrlCredentials.redact(repo)) + '\n' + blank(branch) + '\n'
                + blank(revision));
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether the GitRepo's pollingCommit was resolved from the source its spec names now. */
    public static boolean matchesSpec(GitRepo gitRepo) {
        var annotations = gitRepo.getMetadata().getAnnotations();
        String recorded = annotations == null ? null : annotations.get(ANNOTATION);
        if (recorded == null || gitRepo.getSpec() == null) {
            return true;
        }
        var spec = gitRepo.getSpec();
        // A watcher before the redaction hashed the URL as written: during a rolling upgrade, or until the
        // watcher's next poll rewrites the annotation, that digest names the same source.
        return recorded.equals(of(spec.getRepo(), spec.getBranch(), spec.getRevision()))
                || recorded.equals(unredacted(spec.getRepo(), spec.getBranch(), spec.getRevision()));
    }

    private static String unredacted(String repo, String branch, String revision) {
        return digest(blank(repo) + '\n' + blank(branch) + '\n' + blank(revision));
    }

    private static String blank(String value) {
        return value == null ? "" : value.strip();
    }
}
