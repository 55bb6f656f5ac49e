package io.gitjob.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.DeadLetterHeaders;
import io.gitjob.events.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "Lists the records in gitjob-dead-letters with where they came from and why they failed; "
                + "with --retry sends the selected ones back to their original topic (once the cause is fixed). "
                + "Nothing is removed from any topic.")
class DeadLettersCommand implements Callable<Integer> {

    @Option(names = "--retry", description = "Send the selected records back to the topic they came from.")
    boolean retry;

    @Option(names = "--key", paramLabel = "KEY", description = "Only records with this key.")
    String key;

    @Option(names = "--record", paramLabel = "PARTITION:OFFSET",
            description = "Only this dead letter (as listed).")
    String record;

    @Mixin
    BrokerOptions broker;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        int[] position = record == null ? null : parseRecord(record);
        List<ConsumerRecord<String, byte[]>> selected = new ArrayList<>();
        var out = spec.commandLine().getOut();
        try (KafkaAccess kafka = broker.connect()) {
            RangeReader.read(kafka.consumer(), kafka.partitions(Topics.DEAD_LETTERS), null, null,
                    r -> (key == null || key.equals(r.key()))
                            && (position == null || (r.partition() == position[0] && r.offset() == position[1])),
                    selected::add, spec.commandLine().getErr());
            for (ConsumerRecord<String, byte[]> r : selected) {
                out.printf("%d:%d  %s  key=%s  from=%s  consumer=%s  error=%s%n", r.partition(), r.offset(),
                        Instant.ofEpochMilli(r.timestamp()), r.key(), header(r, DeadLetterHeaders.TOPIC),
                        header(r, DeadLetterHeaders.CONSUMER), header(r, DeadLetterHeaders.REASON));
            }
            if (retry) {
                int sent = 0;
                for (ConsumerRecord<String, byte[]> r : selected) {
                    String original = header(r, DeadLetterHeaders.TOPIC);
                    if (original == null) {
                        spec.commandLine().getErr().printf("skipped %d:%d: it does not say which topic it came from%n",
                                r.partition(), r.offset());
                        continue;
                    }
                    try {
                        kafka.producer().send(new ProducerRecord<>(original, null, r.key(), r.value(),
                                withoutDeadLetterHeaders(r))).get();
                    } catch (ExecutionException e) {
                        throw new CliException(1, "sending " + r.partition() + ":" + r.offset() + " back to "
                                + original + " failed: " + e.getCause().getMessage());
                    }
                    sent++;
                }
                out.printf("sent %d record(s) back to their topics%n", sent);
            }
        }
        return 0;
    }

    private static int[] parseRecord(String value) {
        String[] parts = value.split(":");
        try {
            if (parts.length == 2) {
                return new int[] { Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) };
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException(CliException.BAD_INPUT, "bad --record '" + value + "': use PARTITION:OFFSET as "
                + "listed, e.g. 2:17");
    }

    /** The record as its producer sent it: the dead-letter bookkeeping stays behind. */
    private static RecordHeaders withoutDeadLetterHeaders(ConsumerRecord<String, byte[]> r) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().startsWith("dead-letter-")) {
                headers.add(h);
            }
        }
        return headers;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        String value = CloudEventHeaders.text(r.headers(), name);
        return value == null ? null : value.replace('\n', ' ');
    }
}
