package io.gitjob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

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
        TrimmedItemStore<ConfigMap> store = new TrimmedItemStore<>(TrimmedItemStoreTest::trim);
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
        assertSame(cached, store.put(key, full("a", "2")));
        assertEquals("k-2", store.get(key).getData().get("kept"));
        store.put("ns/b", full("b", "3"));
        assertEquals(2, store.size());
        assertEquals(List.of("ns/a", "ns/b"), store.keySet().sorted().toList());
        assertEquals(List.of("k-2", "k-3"), store.values().map(c -> c.getData().get("kept")).sorted().toList());

        assertEquals("k-2", store.remove(key).getData().get("kept"));
        assertNull(store.get(key));
        assertEquals(1, store.size());
    }
}
