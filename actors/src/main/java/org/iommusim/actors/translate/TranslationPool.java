package org.iommusim.actors.translate;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Routes translations to an SMMU's workers by consistent hashing on
 * (StreamID, 4K page) ({@link HashRing}), so one page of one stream always
 * meets the same IOTLB shard. Immutable once the workers exist; callers send
 * to the worker directly, with no router actor on the hot path.
 */
public final class TranslationPool {
    private final List<ActorRef<TranslationWorker.Command>> workers;
    private final HashRing ring;

    public TranslationPool(List<ActorRef<TranslationWorker.Command>> workers) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("a translation pool needs at least one worker");
        }
        this.workers = List.copyOf(workers);
        this.ring = new HashRing(workers.size());
    }

    public List<ActorRef<TranslationWorker.Command>> workers() {
        return workers;
    }

    /** The index of the worker serving (sid, page of iova). */
    public int indexFor(int sid, long iova) {
        return ring.indexFor(sid, iova);
    }

    public ActorRef<TranslationWorker.Command> workerFor(int sid, long iova) {
        return workers.get(indexFor(sid, iova));
    }
}
