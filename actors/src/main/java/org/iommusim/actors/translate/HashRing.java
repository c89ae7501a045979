package org.iommusim.actors.translate;

import java.util.TreeMap;

/**
 * Consistent hashing of (StreamID, 4K page) onto {@code workers} shards, 64
 * virtual nodes each: which IOTLB shard serves a translation. Pure, so the
 * replay tools pick the same shard the pool did. A table of the hash space's
 * top bits answers most lookups without the binary search (every request of
 * a burst is routed on the caller's thread); it gives the same owner.
 */
public final class HashRing {
    private static final int VIRTUAL_NODES = 64;

    /** Buckets of the hash space by its top bits: the owner of every hash in the bucket, or -1 to search. */
    private static final int BUCKET_BITS = 12;

    private final long[] keys;
    private final int[] owners;
    private final int[] buckets;

    public HashRing(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("a ring needs at least one worker, got " + workers);
        }
        TreeMap<Long, Integer> ring = new TreeMap<>();
        for (int w = 0; w < workers; w++) {
            for (int v = 0; v < VIRTUAL_NODES; v++) {
                ring.put(mix(((long) w << 32) | v), w);
            }
        }
        keys = new long[ring.size()];
        owners = new int[ring.size()];
        int i = 0;
        for (var e : ring.entrySet()) {
            keys[i] = e.getKey();
            owners[i++] = e.getValue();
        }
        buckets = new int[1 << BUCKET_BITS];
        for (int b = 0; b < buckets.length; b++) {
            long first = (long) b << (64 - BUCKET_BITS);
            long last = first + ((1L << (64 - BUCKET_BITS)) - 1);
            int k = firstPointAtOrAfter(first);
            // one owner for the whole bucket unless a ring point falls inside it, before its last hash
            boolean split = k < keys.length && Long.compareUnsigned(keys[k], last) < 0;
            buckets[b] = split ? -1 : owners[k == keys.length ? 0 : k];
        }
    }

    /** The shard serving (sid, page of iova). */
    public int indexFor(int sid, long iova) {
        long h = hash(sid, iova);
        int owner = buckets[(int) (h >>> (64 - BUCKET_BITS))];
        return owner >= 0 ? owner : search(h);
    }

    /** {@link #indexFor} without the bucket table: by binary search alone (for tests). */
    int indexBySearch(int sid, long iova) {
        return search(hash(sid, iova));
    }

    private static long hash(int sid, long iova) {
        return mix(((long) sid << 40) ^ (iova >>> 12) * 0x9E3779B97F4A7C15L);
    }

    /** The owner of the first ring point at or after {@code h} (wrapping), by binary search. */
    private int search(long h) {
        int k = firstPointAtOrAfter(h);
        return owners[k == keys.length ? 0 : k];
    }

    /** The index of the first ring point at or after {@code h} (unsigned), or the number of points. */
    private int firstPointAtOrAfter(long h) {
        int lo = 0;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(keys[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** SplitMix64's finalizer: cheap and well spread. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
