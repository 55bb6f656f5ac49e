package io.gitjob.events;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for credentials written into URLs: what any service logs, writes in a status or an Event, or
 * publishes never carries one, even when a user put it into {@code spec.repo} or Git's error message repeats
 * the URL.
 * <ul>
 * <li>{@code scheme://user:secret@host}, any scheme: the secret goes ({@code user:***@}); the user too when it is
 * a token (GitHub's {@code <token>:x-oauth-basic}, a GitHub or GitLab token prefix).</li>
 * <li>{@code http(s)://token@host} (GitHub's and GitLab's way of putting a token in a URL): the token goes
 * ({@code ***@}). A plain user name there cannot be told from a token, so it goes too.</li>
 * <li>{@code ssh://git@host}, {@code git@host:path}: a user alone on SSH names no secret and stays.</li>
 * </ul>
 * The userinfo is everything up to the last '@' of the authority (as URL parsers, Go's included, take it), so a
 * password with a raw '@', ':', '?' or '#' goes whole. The authority ends at '/', '\', whitespace, a double quote or
 * an angle bracket, so several URLs in one text, in JSON or in a log line, are each redacted.
 */
public final class UrlCredentials {

    /**
     * A character of an authority: not one that ends it, and not the start of another {@code scheme://}, so a
     * second URL right after a comma or semicolon ({@code https://a@x,https://b@y}) is a URL of its own.
     */
    private static final String AUTHORITY_CHAR = "(?:(?![a-zA-Z][a-zA-Z0-9+.-]*://)[^/\\\\\\s\"<>])";
    /** {@code scheme://authority}: group 1 the scheme, group 2 the authority. */
    private static final Pattern URL_AUTHORITY = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*)://("
            + AUTHORITY_CHAR + "*@" + AUTHORITY_CHAR + "*)");
    private static final String HIDDEN = "***";
    /** GitHub's and GitLab's token prefixes: a user name that starts so is a token. */
    private static final Pattern TOKEN_PREFIX = Pattern.compile("gh[pousr]_|github_pat_|glpat-");

    private UrlCredentials() {
    }

    public static String redact(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        Matcher m = URL_AUTHORITY.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String scheme = m.group(1);
            String authority = m.group(2);
            int at = authority.lastIndexOf('@');
            String userinfo = authority.substring(0, at);
            String shown = shownUserinfo(scheme, userinfo);
            m.appendReplacement(out, Matcher.quoteReplacement(scheme + "://" + shown + authority.substring(at)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether {@link #redact(String)} hides anything of {@code url}: it then must be read from a Secret. */
    public static boolean carriesCredential(String url) {
        return url != null && !url.equals(redact(url));
    }

    private static String shownUserinfo(String scheme, String userinfo) {
        int colon = userinfo.indexOf(':');
        if (colon >= 0) {
            String user = userinfo.substring(0, colon);
            // GitHub's older form puts the token in the user and a fixed word in the password.
            boolean tokenAsUser = userinfo.substring(colon + 1).equalsIgnoreCase("x-oauth-basic")
                    || TOKEN_PREFIX.matcher(user).lookingAt();
            return (tokenAsUser ? HIDDEN : user) + ":" + HIDDEN;
        }
        if (!userinfo.isEmpty() && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return HIDDEN;
        }
        return userinfo;
    }
}
