package org.iommusim.actors.translate;

import java.util.List;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Routes translations to an SMMU's workers by consistent hashing on
 * (StreamID, 4K page), so one page of one stream always meets the same IOTLB
 * shard. Immutable once the workers exist; callers send to the worker
 * directly, with no router actor on the hot path.
 */
public final class TranslationPool {
    private static final int VIRTUAL_NODES = 64;

    private final List<ActorRef<TranslationWorker.Command>> workers;
    private final long[] ringKeys;
    private final int[] ringWorkers;

    public TranslationPool(List<ActorRef<TranslationWorker.Command>> workers) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("a translation pool needs at least one worker");
        }
        this.workers = List.copyOf(workers);
        TreeMap<Long, Integer> ring = new TreeMap<>();
        for (int w = 0; w < workers.size(); w++) {
            for (int v = 0; v < VIRTUAL_NODES; v++) {
                ring.put(mix(((long) w << 32) | v), w);
            }
        }
        ringKeys = new long[ring.size()];
        ringWorkers = new int[ring.size()];
        int i = 0;
        for (var e : ring.entrySet()) {
            ringKeys[i] = e.getKey();
            ringWorkers[i++] = e.getValue();
        }
    }

    public List<ActorRef<TranslationWorker.Command>> workers() {
        return workers;
    }

    /** The index of the worker serving (sid, page of iova). */
    public int indexFor(int sid, long iova) {
        long h = mix(((long) sid << 40) ^ (iova >>> 12) * 0x9E3779B97F4A7C15L);
        int lo = 0;
        int hi = ringKeys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(ringKeys[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return ringWorkers[lo == ringKeys.length ? 0 : lo];
    }

    public ActorRef<TranslationWorker.Command> workerFor(int sid, long iova) {
        return workers.get(indexFor(sid, iova));
    }

    /** SplitMix64's finalizer: cheap and well spread. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
