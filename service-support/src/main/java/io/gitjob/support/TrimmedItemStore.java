package io.gitjob.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * An informer's item store that keeps each object only as a trim function reduces it, packed: an informer's
 * cache is most of a controller's heap per object, and most of each object (managedFields, annotations such as
 * kubectl's last-applied copy, status written by others) is never read from it. Set with
 * {@link SharedIndexInformer#itemStore} before the informer starts.
 * <p>
 * Packed, because even a trimmed object costs about 2.2-3 KB as Java objects (a custom resource carries six
 * strings of its own, the generated model an empty map per level and a slot for every field it knows) for the
 * 600-1,000 bytes of JSON it holds, and the JSON of one GitRepo is mostly the JSON of the next: the same keys,
 * namespace, branch, condition types. So each trimmed object is kept as its JSON deflated against a preset
 * dictionary, the JSON of an object stored before: 90-300 bytes for a GitRepo (docs/performance.md, "Heap per
 * GitRepo"). The dictionary is the first object's JSON, replaced by a later object's when that is a quarter
 * longer (a GitRepo created without a status is the first, and each one gains a status soon after), at most
 * {@value #MAX_DICTIONARIES} times: each packed value starts with the number of the dictionary it was packed
 * against, so nothing is packed again when a new one comes.
 * <p>
 * A read inflates and deserializes a new copy (8 µs for a GitRepo on the bench machine, a put 14 µs:
 * {@code io.gitjob.bench.cache.ItemStoreBench}): readers may change what they get, and a listing of every object
 * (a resync, a rebuild, a webhook's fan-out) costs that per object. Fabric8's {@code ReducedStateItemStore} also
 * builds a new object per read, from chosen fields kept as generic JSON values (maps, lists, strings), not packed.
 * <p>
 * The informer hands its handlers a copy from the store wherever it reads from it (the first list's adds, an
 * update's old object, resyncs, deletes found by a relist) and the full object from the watch elsewhere: a
 * handler may only rely on what the trim keeps. The trim must return a new object (or the one given, changed)
 * that keeps {@code metadata.name}, {@code metadata.namespace} and {@code metadata.resourceVersion}: the
 * informer compares resource versions to tell an update from a resync.
 */
public final class TrimmedItemStore<T extends HasMetadata> implements ItemStore<T> {

    /** Deflate looks back at most 32 KiB: a longer dictionary would only cost memory. */
    private static final int MAX_DICTIONARY = 32 * 1024;
    /** Dictionaries a store takes at most; the last is kept once this many were taken. */
    static final int MAX_DICTIONARIES = 8;

    private final ConcurrentHashMap<String, byte[]> store = new ConcurrentHashMap<>();
    private final Class<T> type;
    private final UnaryOperator<T> trim;
    private final KubernetesSerialization serialization;
    /** One each, under their own lock: zlib's state is a few hundred KiB of native memory per deflater. */
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private final Inflater inflater = new Inflater(true);
    /** The dictionaries taken so far, by number; an entry once set never changes. */
    private final byte[][] dictionaries = new byte[MAX_DICTIONARIES][];
    /** The number of the dictionary new values are packed against, -1 before the first put. */
    private volatile int current = -1;

    public TrimmedItemStore(Class<T> type, UnaryOperator<T> trim, KubernetesSerialization serialization) {
        this.type = type;
        this.trim = trim;
        this.serialization = serialization;
    }

    @Override
    public String getKey(T object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public T put(String key, T object) {
        return unpack(store.put(key, pack(trim.apply(object))));
    }

    @Override
    public T remove(String key) {
        return unpack(store.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return store.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return store.values().stream().map(this::unpack);
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public T get(String key) {
        return unpack(store.get(key));
    }

    /** Bytes held for {@code key}, or -1: what the store costs per object, for tests and benches. */
    public int packedSize(String key) {
        byte[] packed = store.get(key);
        return packed == null ? -1 : packed.length;
    }

    private byte[] pack(T object) {
        byte[] json = serialization.asJson(object).getBytes(StandardCharsets.UTF_8);
        synchronized (deflater) {
            int number = current;
            if (number < 0 || (number < MAX_DICTIONARIES - 1 && json.length * 4 >= dictionaries[number].length * 5
                    && dictionaries[number].length < MAX_DICTIONARY)) {
                number++;
                dictionaries[number] = Arrays.copyOf(json, Math.min(json.length, MAX_DICTIONARY));
                current = number;
            }
            deflater.reset();
            deflater.setDictionary(dictionaries[number]);
            deflater.setInput(json);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 4));
            out.write(number);
            byte[] chunk = new byte[Math.max(256, json.length / 2)];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        }
    }

    private T unpack(byte[] packed) {
        if (packed == null) {
            return null;
        }
        String json;
        synchronized (inflater) {
            inflater.reset();
            inflater.setDictionary(dictionaries[packed[0]]);
            inflater.setInput(packed, 1, packed.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(packed.length * 8);
            byte[] chunk = new byte[Math.max(1024, packed.length * 8)];
            try {
                while (!inflater.finished()) {
                    int n = inflater.inflate(chunk);
                    if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        throw new IllegalStateException("a packed object ends early");
                    }
                    out.write(chunk, 0, n);
                }
            } catch (DataFormatException e) {
                // Only this class writes these bytes: a failure here is a bug, not bad input.
                throw new IllegalStateException("cannot unpack a cached object", e);
            }
            json = out.toString(StandardCharsets.UTF_8);
        }
        return serialization.unmarshal(json, type);
    }

    /** The number of dictionaries taken so far, for tests. */
    int dictionariesTaken() {
        return current + 1;
    }
}
