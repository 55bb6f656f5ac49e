package io.gitjob.watcher.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The checks the providers' webhook schemes are made of. Every comparison is constant-time
 * ({@link MessageDigest#isEqual}) over digests of equal length, so neither the time a rejection takes nor its
 * length tells an attacker how much of a guess was right. A null or empty secret verifies nothing.
 */
public final class Signatures {
    private Signatures() {
    }

    /** {@code signature} is the lowercase hex HMAC-SHA256 of {@code body} keyed with {@code secret}. */
    public static boolean hexHmacSha256(String secret, byte[] body, String signature) {
        if (secret == null || secret.isEmpty() || signature == null) {
            return false;
        }
        String expected = HexFormat.of().formatHex(hmacSha256(secret, body));
        return sameText(expected, signature.trim());
    }

    /** {@code given} is {@code expected} (a token sent as it is: GitLab's token, Bitbucket's hook UUID). */
    public static boolean sameToken(String expected, String given) {
        if (expected == null || expected.isEmpty() || given == null) {
            return false;
        }
        return sameText(expected, given);
    }

    /** {@code authorization} is HTTP Basic with exactly this user name and password. */
    public static boolean basicAuth(String username, String password, String authorization) {
        if (username == null || password == null || (username.isEmpty() && password.isEmpty())
                || authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // Both compared, whichever fails: the time taken does not tell a right user name from a wrong one.
        boolean user = sameText(username, decoded.substring(0, colon));
        boolean pass = sameText(password, decoded.substring(colon + 1));
        return user & pass;
    }

    public static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Compared as digests: {@link MessageDigest#isEqual} is constant-time only for inputs of one length. */
    private static boolean sameText(String expected, String given) {
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
