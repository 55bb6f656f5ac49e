package io.gitjob.replay;

import java.time.Duration;

import picocli.CommandLine.Option;

/** How to reach Kafka; every command has these. */
class BrokerOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS, else localhost:9092).")
    String bootstrapServers;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up on an unreachable broker after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    KafkaAccess connect() {
        String bootstrap = bootstrapServers != null ? bootstrapServers
                : System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        if (timeoutSeconds <= 0) {
            throw new CliException(CliException.BAD_INPUT, "--timeout must be a positive number of seconds");
        }
        return new KafkaAccess(bootstrap, Duration.ofSeconds(timeoutSeconds));
    }
}
