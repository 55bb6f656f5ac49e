package io.gitjob.bench.kafka;

import io.gitjob.events.Topics;
import io.gitjob.testing.KafkaBroker;

/**
 * The limit a gitjob pipeline runs against on this machine: raw Kafka producer to consumer ({@link KafkaBaseline})
 * on the same single-node KRaft broker the tests use, at two sizes. The pipeline benchmark runs the same loop on
 * the sandbox's broker in its own run.
 *
 * <p>Run: {@code ./mvnw -q -pl bench -am install -DskipTests} then
 * {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=io.gitjob.bench.kafka.KafkaBaselineBench}.
 */
public final class KafkaBaselineBench {

    private KafkaBaselineBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = KafkaBroker.bootstrapServers();
        System.out.printf("%-10s %12s %12s %12s %12s%n", "records", "events/s", "p50 ms", "p99 ms", "bytes/rec");
        for (int count : new int[] { 10_000, 100_000 }) {
            var r = KafkaBaseline.run(bootstrap, Topics.GITREPO_EVENTS, count);
            System.out.printf("%-10d %12.0f %12.1f %12.1f %12d%n", count, r.latencies().eventsPerSecond(),
                    r.latencies().p50Millis(), r.latencies().p99Millis(), r.bytesPerRecord());
        }
        System.exit(0);
    }
}
