package io.gitjob.replay;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.kafka.common.TopicPartition;

import io.gitjob.events.GitRepoKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "The records of a topic as JSON lines: topic, partition, offset, timestamp, key, headers, "
                + "value.")
class DumpCommand implements Callable<Integer> {

    @Option(names = "--topic", required = true, paramLabel = "TOPIC")
    String topic;

    @Option(names = "--key", paramLabel = "NAMESPACE/NAME", description = "Only this GitRepo's records.")
    String key;

    @Mixin
    TimeRange range;

    @Mixin
    BrokerOptions broker;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    DumpCommand(Clock clock) {
        this.clock = clock;
    }

    DumpCommand() {
        this(Clock.systemUTC());
    }

    @Override
    public Integer call() {
        GitRepoKey gitRepo = key == null ? null : Keys.parse(key);
        var start = range.start(clock);
        var end = range.end();
        var out = spec.commandLine().getOut();
        try (KafkaAccess kafka = broker.connect()) {
            List<TopicPartition> partitions = kafka.partitions(topic);
            if (gitRepo != null) {
                partitions = Keys.partitionOf(gitRepo, partitions);
            }
            RangeReader.read(kafka.consumer(), partitions, start, end,
                    r -> gitRepo == null || gitRepo.toString().equals(r.key()),
                    r -> out.println(RecordJson.line(RecordJson.of(r))), spec.commandLine().getErr());
        }
        return 0;
    }
}
