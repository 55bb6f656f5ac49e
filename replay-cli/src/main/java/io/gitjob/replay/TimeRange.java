package io.gitjob.replay;

import java.time.Clock;
import java.time.Instant;

import picocli.CommandLine.Option;

/** The time range options the reading commands share. */
class TimeRange {

    @Option(names = "--since", paramLabel = "SPAN", description = "Only the last SPAN: 30s, 15m, 2h, 7d.")
    String since;

    @Option(names = "--from", paramLabel = "TIME", description = "From this ISO-8601 time.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Up to (not including) this ISO-8601 time.")
    String to;

    /** Where to start; null: from the beginning of the topic. */
    Instant start(Clock clock) {
        return Times.start(since, from, clock);
    }

    /** Where to stop; null: at the end the topic had when the read began. */
    Instant end() {
        return to == null ? null : Times.instant(to, "--to");
    }
}
