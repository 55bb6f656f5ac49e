package io.gitjob.watcher.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gitjob.events.RepoSpec;

/**
 * When a GitRepo is polled next. Fleet's rule: the interval ({@code spec.pollingInterval}, else the default)
 * plus up to 10% random jitter, so GitRepos created together do not hit their Git host together; no polling at
 * all when {@code spec.disablePolling} is true (webhooks only).
 */
public final class PollSchedule {

    /** Fleet's jitter: up to 10% of the interval. */
    public static final double JITTER = 0.10;

    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

    private PollSchedule() {
    }

    /**
     * The next poll time after {@code now}; empty when polling is disabled.
     *
     * @param random01 a random number in [0, 1): the share of the maximum jitter to add
     */
    public static Optional<Instant> nextDue(Instant now, RepoSpec spec, Duration defaultInterval, double random01) {
        if (spec.disablePolling()) {
            return Optional.empty();
        }
        return Optional.of(now.plus(jittered(interval(spec.pollingInterval(), defaultInterval), random01)));
    }

    /**
     * How long to wait after {@code failures} failed ls-remotes in a row: the interval, doubled for every failure
     * after the first, capped at {@code max} (never below the interval itself: a GitRepo polled every hour is not
     * polled more often because it fails).
     */
    public static Duration backoff(Duration interval, int failures, Duration max) {
        if (failures <= 1) {
            return interval;
        }
        Duration cap = max.compareTo(interval) < 0 ? interval : max;
        int doublings = Math.min(failures - 1, 30);
        long millis = interval.toMillis();
        for (int i = 0; i < doublings && millis < cap.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, cap.toMillis()));
    }

    /** The GitPolling message of a failed poll: the error, and how the backoff stands when it has begun. */
    public static String failureMessage(String error, int failures, Duration wait) {
        if (failures <= 1) {
            return error;
        }
        return error + " (failed " + failures + " times in a row; next check in " + human(wait) + ")";
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        return s % 60 == 0 ? (s / 60) + "m" : (s / 60) + "m" + (s % 60) + "s";
    }

    /** The interval plus up to {@link #JITTER} of it, {@code random01} being the share of the jitter added. */
    public static Duration jittered(Duration interval, double random01) {
        return interval.plusMillis((long) (interval.toMillis() * JITTER * random01));
    }

    /** The GitRepo's interval, or the default when unset or unreadable (never zero: that would be a busy loop). */
    public static Duration interval(String pollingInterval, Duration defaultInterval) {
        if (pollingInterval == null || pollingInterval.isBlank()) {
            return defaultInterval;
        }
        Optional<Duration> parsed = parseGoDuration(pollingInterval.trim());
        return parsed.filter(d -> !d.isZero() && !d.isNegative()).orElse(defaultInterval);
    }

    /** A Go duration as Kubernetes resources write them: {@code 15s}, {@code 1m30s}, {@code 1h}, {@code 500ms}. */
    public static Optional<Duration> parseGoDuration(String text) {
        Matcher m = GO_DURATION_PART.matcher(text);
        long millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            double value = Double.parseDouble(m.group(1));
            millis += (long) (value * switch (m.group(2)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1_000;
                default -> 1;
            });
            end = m.end();
        }
        return end == text.length() && end > 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
    }
}
