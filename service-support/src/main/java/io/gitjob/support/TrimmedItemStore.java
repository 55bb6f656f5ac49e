package io.gitjob.support;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

/**
 * An informer's item store that keeps each object only as a trim function reduces it: an informer's cache is
 * most of a controller's heap per object, and most of each object (managedFields, annotations such as kubectl's
 * last-applied copy, status written by others) is never read from it. Set with
 * {@link SharedIndexInformer#itemStore} before the informer starts.
 * <p>
 * Unlike Fabric8's {@code ReducedStateItemStore}, which keeps JSON values and deserializes an object again on
 * every read, this keeps the trimmed objects themselves: a read costs nothing, so a cache that is listed often
 * (a rebuild, a webhook's fan-out) stays cheap. The informer hands its handlers the trimmed copy wherever it
 * reads from its store (the first list's adds, an update's old object, resyncs, deletes found by a relist) and
 * the full object from the watch elsewhere: a handler may only rely on what the trim keeps.
 * <p>
 * The trim must return a new object (or the one given, changed) that keeps {@code metadata.name},
 * {@code metadata.namespace} and {@code metadata.resourceVersion}: the informer compares resource versions to
 * tell an update from a resync. Objects in the store are shared by every reader and must not be modified.
 */
public final class TrimmedItemStore<T extends HasMetadata> implements ItemStore<T> {

    private final ConcurrentHashMap<String, T> store = new ConcurrentHashMap<>();
    private final UnaryOperator<T> trim;

    public TrimmedItemStore(UnaryOperator<T> trim) {
        this.trim = trim;
    }

    @Override
    public String getKey(T object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public T put(String key, T object) {
        return store.put(key, trim.apply(object));
    }

    @Override
    public T remove(String key) {
        return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return store.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return store.values().stream();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public T get(String key) {
        return store.get(key);
    }
}
