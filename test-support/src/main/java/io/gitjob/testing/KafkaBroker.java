package io.gitjob.testing;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import io.gitjob.events.LocalKafka;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * One real Kafka broker (KRaft) per test JVM, started on first use and stopped when the JVM exits, with
 * gitjob's topics created. Where a Docker engine answers it runs in a container (Testcontainers' Kafka
 * module); where none does (these machines and CI) it runs inside the test JVM. Either way the tests talk
 * to a real broker over TCP: {@code GITJOB_TEST_KAFKA=embedded|container} forces one.
 */
public final class KafkaBroker {

    /** Fewer than production's 12 partitions, so topics and groups come up fast; still more than one. */
    public static final int TEST_PARTITIONS = 3;
    private static final String CONTAINER_IMAGE = "apache/kafka:4.1.1";
    private static final Logger LOG = Logger.getLogger(KafkaBroker.class);

    private static String bootstrapServers;

    private KafkaBroker() {
    }

    /** Starts the broker if needed and returns its bootstrap servers ({@code host:port}). */
    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            long start = System.nanoTime();
            String mode = System.getenv().getOrDefault("GITJOB_TEST_KAFKA", "auto");
            boolean container = switch (mode) {
                case "container" -> true;
                case "embedded" -> false;
                case "auto" -> dockerAvailable();
                default -> throw new IllegalStateException(
                        "GITJOB_TEST_KAFKA must be auto, embedded or container, was '" + mode + "'");
            };
            bootstrapServers = container ? startContainer() : startEmbedded();
            LocalKafka.createTopics(bootstrapServers, TEST_PARTITIONS, java.time.Duration.ofSeconds(30));
            LOG.infof("Kafka broker (%s, KRaft) ready at %s in %d ms", container ? "container" : "embedded",
                    bootstrapServers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return bootstrapServers;
    }

    private static boolean dockerAvailable() {
        // Ask Testcontainers only where there is a sign of Docker: its probe logs errors when there is none.
        boolean hint = System.getenv("DOCKER_HOST") != null
                || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"),
                        ".testcontainers.properties"));
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String startEmbedded() {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withNodeId(0)
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(KafkaBroker::testSettings)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
        String listeners = broker.getAdvertisedListeners();
        // "PLAINTEXT://localhost:port" -> "localhost:port"
        return listeners.substring(listeners.indexOf("://") + 3).split(",")[0];
    }

    @SuppressWarnings("resource")
    private static String startContainer() {
        KafkaContainer kafka = new KafkaContainer(CONTAINER_IMAGE);
        Properties settings = new Properties();
        testSettings(settings);
        settings.forEach((k, v) -> kafka.withEnv("KAFKA_" + k.toString().toUpperCase().replace('.', '_'),
                v.toString()));
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "kafka-container-shutdown"));
        return kafka.getBootstrapServers();
    }

    private static void testSettings(Properties p) {
        LocalKafka.singleNodeSettings(p, TEST_PARTITIONS);
    }
}
