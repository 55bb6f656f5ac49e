package io.gitjob.sandbox;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import io.gitjob.events.Topics;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * The sandbox's Kafka broker: Kafka's own KRaft server (Maven Central's {@code org.apache.kafka:kafka_2.13}),
 * one node that is both broker and controller, in its own JVM, with gitjob's topics created
 * ({@link Topics#all(int)}, design section 2). Its data lives in a temporary folder deleted on exit.
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
                .withAdditionalProperties(p -> singleNode(p, partitions))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
        String bootstrap = "localhost:" + port;
        createTopics(bootstrap, partitions);
        System.out.println("READY " + bootstrap);
        System.out.flush();
        Thread.currentThread().join();
    }

    /** One node: every internal topic with one replica; gitjob's topics are created, never auto-created. */
    private static void singleNode(Properties p, int partitions) {
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("num.partitions", Integer.toString(partitions));
    }

    private static void createTopics(String bootstrap, int partitions) throws InterruptedException {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            List<NewTopic> topics = Topics.all(partitions).stream()
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.config())).toList();
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey(), e.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("the broker did not create topic " + result.getKey() + " in 60 s");
                }
            }
        }
    }
}
