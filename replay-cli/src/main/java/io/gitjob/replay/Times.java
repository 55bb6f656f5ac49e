package io.gitjob.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Times on the command line: an ISO-8601 instant, or for --since a span back from now (30s, 15m, 2h, 7d). */
final class Times {

    private static final Pattern SPAN = Pattern.compile("(\\d+)([smhd])");

    private Times() {
    }

    static Instant instant(String value, String option) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new CliException(CliException.BAD_INPUT, "bad time for " + option + ": '" + value
                    + "'; use an ISO-8601 time such as 2026-11-23T08:00:00Z or 2026-11-23T09:00:00+01:00");
        }
    }

    static Instant since(String value, Clock clock) {
        Matcher m = SPAN.matcher(value);
        if (!m.matches()) {
            throw new CliException(CliException.BAD_INPUT, "bad span for --since: '" + value
                    + "'; use a number and a unit: 30s, 15m, 2h or 7d");
        }
        long amount = Long.parseLong(m.group(1));
        Duration span = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        return clock.instant().minus(span);
    }

    /** The start of a range from --since or --from (not both); null: from the beginning of the topic. */
    static Instant start(String since, String from, Clock clock) {
        if (since != null && from != null) {
            throw new CliException(CliException.BAD_INPUT, "give --since or --from, not both");
        }
        return since != null ? since(since, clock) : from != null ? instant(from, "--from") : null;
    }
}
