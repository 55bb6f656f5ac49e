package io.gitjob.replay;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = "Every event of one GitRepo from gitrepo-events and gitjob-events, merged in time order, "
                + "one line each. Reads only the GitRepo's partition and seeks by time.")
class TimelineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The GitRepo.")
    String gitRepo;

    @Option(names = "--json", description = "One JSON object a line instead of text.")
    boolean json;

    @Option(names = "--tallies", description = "Also the watcher's fetch tallies (gitrepo.head-unchanged, one a "
            + "minute per GitRepo: polls that found the same head), left out by default.")
    boolean tallies;

    @Mixin
    TimeRange range;

    @Mixin
    BrokerOptions broker;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    TimelineCommand(Clock clock) {
        this.clock = clock;
    }

    TimelineCommand() {
        this(Clock.systemUTC());
    }

    @Override
    public Integer call() {
        GitRepoKey key = Keys.parse(gitRepo);
        Instant start = range.start(clock);
        Instant end = range.end();
        List<TimelineEntry> entries = new ArrayList<>();
        try (KafkaAccess kafka = broker.connect()) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.GITREPO_EVENTS, Topics.GITJOB_EVENTS)) {
                partitions.addAll(Keys.partitionOf(key, kafka.partitions(topic)));
            }
            RangeReader.read(kafka.consumer(), partitions, start, end, r -> key.toString().equals(r.key()),
                    r -> {
                        TimelineEntry entry = TimelineEntry.of(r);
                        if (tallies || !(entry.event() instanceof io.gitjob.events.GitRepoEvent.HeadUnchanged)) {
                            entries.add(entry);
                        }
                    }, spec.commandLine().getErr());
        }
        entries.sort(Comparator.comparing(TimelineEntry::time).thenComparing(TimelineEntry::topic)
                .thenComparingLong(TimelineEntry::offset));
        var out = spec.commandLine().getOut();
        for (TimelineEntry entry : entries) {
            out.println(json ? RecordJson.line(entry.json()) : entry.line());
        }
        if (entries.isEmpty()) {
            spec.commandLine().getErr().println("no events of " + key + " in that range");
        }
        return 0;
    }
}
