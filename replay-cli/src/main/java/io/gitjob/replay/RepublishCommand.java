package io.gitjob.replay;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import io.gitjob.events.GitRepoKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "republish", mixinStandardHelpOptions = true,
        description = "Copies a time range (--from is required) of a topic (key, value and headers unchanged) into another topic, to "
                + "drive a debug deployment, e.g. a job-service with gitjob.dry-run=true reading the copy.")
class RepublishCommand implements Callable<Integer> {

    @Option(names = "--topic", required = true, paramLabel = "TOPIC")
    String topic;

    @Option(names = "--key", paramLabel = "NAMESPACE/NAME", description = "Only this GitRepo's records.")
    String key;

    @Option(names = "--to-topic", required = true, paramLabel = "TOPIC", description = "Where the copies go.")
    String toTopic;

    @Mixin
    TimeRange range;

    @Mixin
    BrokerOptions broker;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        GitRepoKey gitRepo = key == null ? null : Keys.parse(key);
        if (range.from == null) {
            throw new CliException(CliException.BAD_INPUT, "republish needs --from TIME: a copy of a whole topic "
                    + "is rarely what a debug deployment wants");
        }
        Instant start = range.start(null);
        Instant end = range.end();
        if (toTopic.equals(topic)) {
            throw new CliException(CliException.BAD_INPUT, "--to-topic must differ from --topic: copying a topic "
                    + "into itself would make the services act on the copies");
        }
        long[] copied = { 0 };
        try (KafkaAccess kafka = broker.connect()) {
            kafka.partitions(toTopic); // an unknown target is an error before anything is read
            List<TopicPartition> partitions = kafka.partitions(topic);
            if (gitRepo != null) {
                partitions = Keys.partitionOf(gitRepo, partitions);
            }
            List<Future<RecordMetadata>> sent = new java.util.ArrayList<>();
            RangeReader.read(kafka.consumer(), partitions, start, end,
                    r -> gitRepo == null || gitRepo.toString().equals(r.key()),
                    r -> {
                        sent.add(kafka.producer().send(new ProducerRecord<>(toTopic, null, r.key(), r.value(),
                                r.headers())));
                        copied[0]++;
                    }, spec.commandLine().getErr());
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new CliException(1, "copying to " + toTopic + " failed after " + copied[0]
                            + " record(s): " + e.getCause().getMessage());
                }
            }
        }
        spec.commandLine().getOut().printf("republished %d record(s) from %s to %s%n", copied[0], topic, toTopic);
        return 0;
    }
}
