package io.gitjob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class TrimmedItemStoreTest {

    /** Keeps the name, namespace, resourceVersion and one data key. */
    private static ConfigMap trim(ConfigMap full) {
        return new ConfigMapBuilder().withMetadata(new ObjectMetaBuilder().withName(full.getMetadata().getName())
                .withNamespace(full.getMetadata().getNamespace())
                .withResourceVersion(full.getMetadata().getResourceVersion()).build())
                .withData(Map.of("kept", full.getData().get("kept"))).build();
    }

    private static ConfigMap full(String name, String resourceVersion) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("ns")
                .withResourceVersion(resourceVersion).withAnnotations(Map.of("big", "x".repeat(1_000)))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).endMetadata()
                .withData(Map.of("kept", "k-" + resourceVersion, "dropped", "d")).build();
    }

    @Test
    void keepsOnlyWhatTheTrimKeepsUnderTheInformersKeyAndHandsBackTheTrimmedCopies() {
        TrimmedItemStore<ConfigMap> store = new TrimmedItemStore<>(ConfigMap.class, TrimmedItemStoreTest::trim,
                new KubernetesSerialization());
        ConfigMap first = full("a", "1");
        String key = store.getKey(first);
        assertEquals("ns/a", key);

        assertNull(store.put(key, first));
        ConfigMap cached = store.get(key);
        assertEquals(Map.of("kept", "k-1"), cached.getData());
        assertEquals("1", cached.getMetadata().getResourceVersion());
        assertTrue(cached.getMetadata().getManagedFields() == null || cached.getMetadata().getManagedFields().isEmpty());
        assertTrue(cached.getMetadata().getAnnotations() == null || cached.getMetadata().getAnnotations().isEmpty());
        assertEquals("d", first.getData().get("dropped"), "the object the informer passed in is left whole");

        // The old object an update notification carries is the trimmed one.
        assertEquals(cached, store.put(key, full("a", "2")));
        assertEquals("k-2", store.get(key).getData().get("kept"));
        store.put("ns/b", full("b", "3"));
        assertEquals(2, store.size());
        assertEquals(List.of("ns/a", "ns/b"), store.keySet().sorted().toList());
        assertEquals(List.of("k-2", "k-3"), store.values().map(c -> c.getData().get("kept")).sorted().toList());

        assertEquals("k-2", store.remove(key).getData().get("kept"));
        assertNull(store.get(key));
        assertEquals(1, store.size());
    }

    @Test
    void aReaderGetsItsOwnCopyAndObjectsLikeTheFirstArePackedSmallerThanTheirJson() {
        TrimmedItemStore<ConfigMap> store = new TrimmedItemStore<>(ConfigMap.class, c -> c,
                new KubernetesSerialization());
        for (int i = 0; i < 100; i++) {
            store.put("ns/c-" + i, new ConfigMapBuilder().withNewMetadata().withName("c-" + i).withNamespace("ns")
                    .withResourceVersion(Integer.toString(1000 + i))
                    .withLabels(Map.of("app.kubernetes.io/part-of", "gitjob"))
                    .endMetadata().withData(Map.of("repo", "https://git.example/team/app-" + i + ".git",
                            "branch", "main", "commit", Integer.toHexString(i * 7919).repeat(5)))
                    .build());
        }
        ConfigMap read = store.get("ns/c-42");
        assertEquals("https://git.example/team/app-42.git", read.getData().get("repo"));
        assertEquals("1042", read.getMetadata().getResourceVersion());
        read.getData().put("repo", "changed by a reader");
        assertEquals("https://git.example/team/app-42.git", store.get("ns/c-42").getData().get("repo"),
                "what one reader changes is not what the next one reads");

        int json = new KubernetesSerialization().asJson(store.get("ns/c-42")).length();
        int packed = store.packedSize("ns/c-42");
        assertTrue(packed * 3 < json, "packed against the first object's JSON: " + packed + " bytes for " + json);
        assertEquals(100, store.values().map(c -> c.getData().get("repo")).distinct().count());
    }

    @Test
    void anObjectMuchLargerThanTheDictionaryBecomesTheNextOneAndWhatWasPackedBeforeStillReads() {
        TrimmedItemStore<ConfigMap> store = new TrimmedItemStore<>(ConfigMap.class, c -> c,
                new KubernetesSerialization());
        store.put("ns/new", new ConfigMapBuilder().withNewMetadata().withName("new").withNamespace("ns")
                .withResourceVersion("1").endMetadata().build());
        assertEquals(1, store.dictionariesTaken());
        for (int i = 0; i < 3; i++) {
            store.put("ns/full-" + i, new ConfigMapBuilder().withNewMetadata().withName("full-" + i).withNamespace("ns")
                    .withResourceVersion(Integer.toString(2 + i)).endMetadata()
                    .withData(Map.of("status", "{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}",
                            "commit", "c".repeat(40)))
                    .build());
        }
        assertEquals(2, store.dictionariesTaken(), "the first object with data is the next dictionary, once");
        assertEquals("1", store.get("ns/new").getMetadata().getResourceVersion());
        assertEquals("c".repeat(40), store.get("ns/full-2").getData().get("commit"));
    }
}
