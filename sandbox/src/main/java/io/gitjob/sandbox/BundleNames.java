package io.gitjob.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name {@code fleet apply} gives the Bundle of a path (Fleet v0.16.1, {@code internal/cmd/cli/apply} and
 * {@code internal/names}): the GitRepo's name joined with the path as a file path ({@code sample} + {@code deploy}
 * is {@code sample/deploy}, {@code .} is {@code sample}), made a Helm release name: slashes become dashes, a name
 * with upper case or other characters than letters, digits and dashes gets an md5 suffix before it is cleaned up,
 * and it is cut to 53 characters with a short md5 at the end.
 */
final class BundleNames {

    static final int MAX_LENGTH = 53;
    private static final Pattern DISALLOWED = Pattern.compile("[^a-zA-Z0-9-]+");
    private static final Pattern RELEASE_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

    private BundleNames() {
    }

    static String of(String gitRepoName, String path) {
        return helmReleaseName(join(gitRepoName, path));
    }

    /** Go's {@code filepath.Join}: joined with '/', then cleaned ({@code ./} and {@code x/..} gone). */
    static String join(String first, String second) {
        String joined = Path.of(first).resolve(second).normalize().toString().replace('\\', '/');
        return joined.isEmpty() ? "." : joined;
    }

    static String helmReleaseName(String original) {
        String name = original.replace("/", "-");
        boolean needsHash = !name.equals(name.toLowerCase(Locale.ROOT)) || DISALLOWED.matcher(name).find();
        if (needsHash) {
            name = name + "-" + md5(name, 8);
        }
        name = name.toLowerCase(Locale.ROOT);
        name = DISALLOWED.matcher(name).replaceAll("-");
        name = name.replaceAll("-+", "-");
        name = name.replaceAll("^-+", "").replaceAll("-+$", "");
        if (RELEASE_NAME.matcher(name).matches() && DNS_LABEL.matcher(name).matches()) {
            return limit(name, MAX_LENGTH);
        }
        return md5(original, 24);
    }

    /** Cut to {@code count} characters ending in a dash and 5 characters of md5, the dash left out after a dash. */
    static String limit(String s, int count) {
        if (s.length() <= count) {
            return s;
        }
        int hexLength = 5;
        if (count <= hexLength + 1) {
            return s.substring(0, count);
        }
        int keep = count - hexLength - 1;
        String separator = s.charAt(keep - 1) == '-' ? "" : "-";
        return s.substring(0, keep) + separator + md5(s, hexLength);
    }

    static String md5(String s, int length) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
