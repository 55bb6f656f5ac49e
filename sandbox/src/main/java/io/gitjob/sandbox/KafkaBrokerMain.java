package io.gitjob.sandbox;

import java.time.Duration;
import java.util.Properties;


import io.gitjob.events.LocalKafka;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * The sandbox's Kafka broker: Kafka's own KRaft server (Maven Central's {@code org.apache.kafka:kafka_2.13}),
 * one node that is both broker and controller, in its own JVM, with gitjob's topics created
 * ({@link io.gitjob.events.Topics#all(int)}, design section 2). Its data lives in a temporary folder deleted on exit.
 *
 * <p>Usage: {@code KafkaBrokerMain <port> <controllerPort> <partitions>}; prints {@code READY host:port} once the
 * topics exist.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int controllerPort = Integer.parseInt(args[1]);
        int partitions = Integer.parseInt(args[2]);
        ParentWatch.exitWhenParentDies();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withNodeId(0)
                .withKafkaHost("localhost")
                .withKafkaPort(port)
                .withControllerPort(controllerPort)
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> LocalKafka.singleNodeSettings(p, partitions))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
        String bootstrap = "localhost:" + port;
        LocalKafka.createTopics(bootstrap, partitions, Duration.ofSeconds(60));
        System.out.println("READY " + bootstrap);
        System.out.flush();
        Thread.currentThread().join();
    }
}
