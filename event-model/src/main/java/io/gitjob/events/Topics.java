package io.gitjob.events;

import java.util.List;
import java.util.Map;

/** gitjob's topics (design section 2): names, partitions and retention, in one place. */
public final class Topics {

    public static final String GITREPO_EVENTS = "gitrepo-events";
    public static final String GITJOB_EVENTS = "gitjob-events";
    public static final String GITREPO_STATE = "gitrepo-state";
    public static final String DEAD_LETTERS = "gitjob-dead-letters";

    /** Enough for 12 replicas of a service; a service never gets more busy replicas than partitions. */
    public static final int DEFAULT_PARTITIONS = 12;

    private static final String SEVEN_DAYS_MS = Long.toString(7L * 24 * 3600 * 1000);
    private static final String THIRTY_DAYS_MS = Long.toString(30L * 24 * 3600 * 1000);

    private Topics() {
    }

    public static List<TopicSpec> all() {
        return all(DEFAULT_PARTITIONS);
    }

    /** The topics with {@code partitions} partitions each (tests use fewer to start faster). */
    public static List<TopicSpec> all(int partitions) {
        return List.of(
                new TopicSpec(GITREPO_EVENTS, partitions,
                        Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS), GitRepoEvent.class),
                new TopicSpec(GITJOB_EVENTS, partitions,
                        Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS), GitJobEvent.class),
                new TopicSpec(GITREPO_STATE, partitions, Map.of("cleanup.policy", "compact"), null),
                // People read dead letters days later; keep them longer than the events they came from.
                new TopicSpec(DEAD_LETTERS, partitions,
                        Map.of("cleanup.policy", "delete", "retention.ms", THIRTY_DAYS_MS), null));
    }
}
