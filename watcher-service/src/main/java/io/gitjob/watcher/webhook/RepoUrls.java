package io.gitjob.watcher.webhook;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One spelling for the many URLs of one repository, so a payload names the GitRepos that watch it whichever URL
 * they use, as Fleet's webhook matches them: {@code https://github.com/org/app.git},
 * {@code https://github.com/org/app}, {@code git@github.com:org/app.git} and {@code ssh://git@github.com:22/org/app}
 * all become {@code github.com/org/app}. Scheme, user, port, a trailing {@code .git} or slash, and case are
 * dropped; for Azure DevOps also the {@code ssh.} of its SSH host, the {@code v3/} of its SSH path and the
 * {@code _git} segment of its HTTPS path ({@code git@ssh.dev.azure.com:v3/org/project/repo} and
 * {@code https://dev.azure.com/org/project/_git/repo} are one).
 */
public final class RepoUrls {

    private static final Pattern API_VERSION = Pattern.compile("^/v\\d/");

    private RepoUrls() {
    }

    /** {@code text} without the credentials written into its URLs ({@link io.gitjob.events.UrlCredentials}). */
    public static String redact(String text) {
        return io.gitjob.events.UrlCredentials.redact(text);
    }

    public static String normalise(String url) {
        if (url == null) {
            return "";
        }
        String u = url.trim().toLowerCase(Locale.ROOT);
        int scheme = u.indexOf("://");
        boolean ssh = scheme < 0 || u.startsWith("ssh://");
        if (scheme >= 0) {
            u = u.substring(scheme + 3);
        }
        int at = u.indexOf('@');
        int firstSlash = u.indexOf('/');
        if (at >= 0 && (firstSlash < 0 || at < firstSlash)) {
            u = u.substring(at + 1);
        }
        firstSlash = u.indexOf('/');
        String host = firstSlash < 0 ? u : u.substring(0, firstSlash);
        String path = firstSlash < 0 ? "" : u.substring(firstSlash);
        int colon = host.indexOf(':');
        if (colon >= 0) {
            // scp-like "host:org/app" has the path after the colon; "host:22" is a port
            String afterColon = host.substring(colon + 1);
            host = host.substring(0, colon);
            if (!afterColon.chars().allMatch(Character::isDigit)) {
                path = "/" + afterColon + path;
            }
        }
        if (ssh && host.startsWith("ssh.")) {
            host = host.substring("ssh.".length());
        }
        path = API_VERSION.matcher(path).replaceFirst("/").replaceFirst("/_git/", "/");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - 4);
        }
        return host + path;
    }
}
