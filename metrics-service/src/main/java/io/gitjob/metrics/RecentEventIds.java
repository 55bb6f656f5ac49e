package io.gitjob.metrics;

/**
 * The last {@code capacity} event ids of one GitRepo, so an event published again under the same id (job-service
 * republishes a transition after a crash or a failed send, with the id it derives from the Job's uid and the
 * transition) is counted once. A republish follows its original closely in that GitRepo's stream (same key,
 * same partition), so a short memory is enough; an id older than the last {@code capacity} of its GitRepo would
 * be counted again.
 *
 * <p>Ids are kept as 64-bit hashes in a ring, 8 bytes each instead of a string of about 90: with 10,000 GitRepos
 * and 64 ids each that is 5 MiB. Two different ids of one GitRepo taken for one has a chance of about 64 in
 * 2^64 per event. Not thread-safe: {@link GitJobMetrics} guards it.
 */
final class RecentEventIds {

    private final long[] ring;
    private int next;
    private int size;

    RecentEventIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        ring = new long[capacity];
    }

    /** Remembers {@code eventId}; false when it is one of the last {@code capacity} remembered (a duplicate). */
    boolean add(String eventId) {
        long hash = hash(eventId);
        for (int i = 0; i < size; i++) {
            if (ring[i] == hash) {
                return false;
            }
        }
        ring[next] = hash;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        return true;
    }

    /** FNV-1a over the UTF-16 chars, then SplitMix64's finaliser so near ids spread over all 64 bits. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
