package io.gitjob.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitRepoKeyTest {

    @Test
    void keyIsNamespaceSlashName() {
        var key = new GitRepoKey("fleet-local", "simple");
        assertEquals("fleet-local/simple", key.toString());
        assertEquals(key, GitRepoKey.parse("fleet-local/simple"));
        assertEquals(key, SampleEvents.REPO.key());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "simple", "/simple", "fleet-local/", "a/b/c", " /b" })
    void aKeyOfAnotherFormIsRejected(String key) {
        assertThrows(IllegalArgumentException.class, () -> GitRepoKey.parse(key));
    }

    @Test
    void aMissingKeyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GitRepoKey.parse(null));
    }

    @Test
    void partitionIsTheOneKafkasProducerPicks() {
        for (int i = 0; i < 500; i++) {
            var key = new GitRepoKey("ns-" + (i % 7), "repo-" + i);
            for (int partitions : new int[] { 1, 3, 12, 50 }) {
                assertEquals(BuiltInPartitioner.partitionForKey(key.toString().getBytes(StandardCharsets.UTF_8),
                        partitions), key.partition(partitions), key + " over " + partitions);
            }
        }
    }
}
