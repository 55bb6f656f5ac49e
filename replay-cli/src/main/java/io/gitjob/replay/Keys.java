package io.gitjob.replay;

import java.util.List;

import org.apache.kafka.common.TopicPartition;

import io.gitjob.events.GitRepoKey;

/** GitRepo keys on the command line, and the one partition of a topic that holds a key's records. */
final class Keys {
    private Keys() {
    }

    static GitRepoKey parse(String value) {
        try {
            return GitRepoKey.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.BAD_INPUT, "bad GitRepo '" + value + "': " + e.getMessage());
        }
    }

    /** The producers' partitioner puts every record of a key on this partition: read only it. */
    static List<TopicPartition> partitionOf(GitRepoKey key, List<TopicPartition> partitions) {
        return List.of(partitions.get(key.partition(partitions.size())));
    }
}
