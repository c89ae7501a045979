package org.iommusim.persistence.iotlb;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * A naive IOTLB for properties: one list in replacement order, scanned
 * linearly. Lookups use their own covering check and the "smallest covering
 * entry answers" rule; replacement re-implements the four policies (SplitMix64
 * spelled out again). Only invalidation reuses {@link Invalidation#matches},
 * the rule under test elsewhere.
 */
final class ReferenceIotlb {
    private final int capacity;
    private final IotlbPolicy policy;
    private long rng;
    final List<IotlbEntry> order = new ArrayList<>();

    ReferenceIotlb(IotlbConfig config) {
        this.capacity = config.capacity();
        this.policy = config.policy();
        this.rng = config.seed();
    }

    void fill(IotlbEntry e) {
        for (int i = 0; i < order.size(); i++) {
            IotlbEntry o = order.get(i);
            if (o.kind() == e.kind() && o.vmid() == e.vmid() && o.asid() == e.asid() && o.va() == e.va()
                    && o.size() == e.size()) {
                order.remove(i);
                order.add(e);
                return;
            }
        }
        if (order.size() == capacity) {
            switch (policy) {
                case LRU, FIFO -> order.remove(0);
                case RANDOM -> {
                    long z = rng + 0x9E3779B97F4A7C15L;
                    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                    z = z ^ (z >>> 31);
                    order.remove((int) Long.remainderUnsigned(z, order.size()));
                    rng += 0x9E3779B97F4A7C15L;
                }
                case FLUSH_ALL_WHEN_FULL -> order.clear();
            }
        }
        order.add(e);
    }

    IotlbEntry lookup(int vmid, int asid, IotlbEntry.Kind kind, long iova) {
        IotlbEntry best = null;
        for (IotlbEntry e : order) {
            boolean covers = Long.compareUnsigned(iova - e.va(), e.size()) < 0;
            if (e.kind() == kind && e.vmid() == vmid && e.asid() == asid && covers
                    && (best == null || e.size() < best.size())) {
                best = e;
            }
        }
        if (best != null && policy == IotlbPolicy.LRU) {
            order.remove(best);
            order.add(best);
        }
        return best;
    }

    void invalidate(TlbiCommand command) {
        order.removeIf(e -> Invalidation.matches(command, e));
    }

    void flush() {
        order.clear();
    }

    long rng() {
        return rng;
    }
}
