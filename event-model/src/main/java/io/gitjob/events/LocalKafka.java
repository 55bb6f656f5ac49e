package io.gitjob.events;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What a one-node broker on this machine needs, the same for the tests' broker and the sandbox's: settings
 * that keep it quick with one replica, and gitjob's topics created (never auto-created).
 */
public final class LocalKafka {

    private LocalKafka() {
    }

    /** Broker settings for a single node: every internal topic with one replica, no topic auto-creation. */
    public static void singleNodeSettings(Properties p, int partitions) {
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("num.partitions", Integer.toString(partitions));
    }

    /** Creates {@link Topics#all(int)} with one replica; topics that exist already are left as they are. */
    public static void createTopics(String bootstrap, int partitions, Duration timeout) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            List<NewTopic> topics = Topics.all(partitions).stream()
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.config())).toList();
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("the broker did not create topic " + result.getKey() + " within "
                            + timeout.toSeconds() + " s", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
