package io.gitjob.support;

import java.util.regex.Pattern;

/**
 * The one rule for credentials written into URLs: what any service logs, writes in a status or an Event, or
 * publishes never carries one, even when a user put it into {@code spec.repo} or Git's error message repeats
 * the URL.
 */
public final class UrlCredentials {

    /** {@code scheme://user:secret@}: the secret goes. */
    private static final Pattern PASSWORD_IN_URL = Pattern
            .compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:\\s]+):[^@/\\s]+@");
    /** {@code http(s)://token@} (GitHub's and GitLab's way of putting a token in a URL): the token goes. */
    private static final Pattern TOKEN_AS_HTTP_USER = Pattern.compile("(?i)(https?://)[^/@:\\s]+@");

    private UrlCredentials() {
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        // user:secret first; what is then left before an @ after http(s):// is a token used as the user name.
        // An ssh user (git@host) names no secret and stays.
        return TOKEN_AS_HTTP_USER.matcher(PASSWORD_IN_URL.matcher(text).replaceAll("$1:***@")).replaceAll("$1***@");
    }
}
