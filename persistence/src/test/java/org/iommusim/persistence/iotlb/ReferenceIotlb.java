package org.iommusim.persistence.iotlb;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * A naive TBU TLB for properties: one list per set in replacement order,
 * scanned linearly, and a second, fully associative one for the micro-TLB,
 * kept inclusive by removing whatever the main TLB drops. Lookups use their
 * own covering check and the "smallest covering entry answers" rule; the set
 * of an entry of size 2^s is {@code (va >> s) mod sets}; replacement
 * re-implements the four policies (SplitMix64 spelled out again). Only
 * invalidation reuses {@link Invalidation#matches}, the rule under test
 * elsewhere.
 */
final class ReferenceIotlb {
    private final int ways;
    private final IotlbPolicy policy;
    private long rng;
    private final List<List<IotlbEntry>> sets = new ArrayList<>();
    private final ReferenceIotlb micro;

    ReferenceIotlb(IotlbConfig config) {
        this.ways = config.ways();
        this.policy = config.policy();
        this.rng = config.seed();
        for (int i = 0; i < config.capacity() / config.ways(); i++) {
            sets.add(new ArrayList<>());
        }
        this.micro = config.microEntries() == 0 ? null : new ReferenceIotlb(config.micro());
    }

    /** The main TLB's entries, set by set, each in replacement order. */
    List<IotlbEntry> order() {
        List<IotlbEntry> out = new ArrayList<>();
        sets.forEach(out::addAll);
        return out;
    }

    List<IotlbEntry> microOrder() {
        return micro == null ? List.of() : micro.order();
    }

    private List<IotlbEntry> setOf(IotlbEntry e) {
        long index = (e.va() >>> Long.numberOfTrailingZeros(e.size())) % sets.size();
        return sets.get((int) index);
    }

    private static boolean sameSlot(IotlbEntry o, IotlbEntry e) {
        return o.kind() == e.kind() && o.vmid() == e.vmid() && o.asid() == e.asid() && o.va() == e.va()
                && o.size() == e.size();
    }

    /** A walk's fill: into the main TLB, then the micro-TLB. */
    void fill(IotlbEntry e) {
        List<IotlbEntry> dropped = fillMain(e);
        if (micro != null) {
            micro.removeSlots(dropped);
            micro.fillMain(e);
        }
    }

    /** Fills this TLB alone; returns what left it. */
    private List<IotlbEntry> fillMain(IotlbEntry e) {
        List<IotlbEntry> set = setOf(e);
        for (int i = 0; i < set.size(); i++) {
            if (sameSlot(set.get(i), e)) {
                IotlbEntry old = set.remove(i);
                set.add(e);
                return List.of(old);
            }
        }
        List<IotlbEntry> dropped = new ArrayList<>();
        if (set.size() == ways) {
            switch (policy) {
                case LRU, FIFO -> dropped.add(set.remove(0));
                case RANDOM -> {
                    long z = rng + 0x9E3779B97F4A7C15L;
                    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                    z = z ^ (z >>> 31);
                    dropped.add(set.remove((int) Long.remainderUnsigned(z, set.size())));
                    rng += 0x9E3779B97F4A7C15L;
                }
                case FLUSH_ALL_WHEN_FULL -> {
                    dropped.addAll(order());
                    sets.forEach(List::clear);
                }
            }
        }
        set.add(e);
        return dropped;
    }

    private void removeSlots(List<IotlbEntry> gone) {
        for (IotlbEntry g : gone) {
            sets.forEach(s -> s.removeIf(o -> sameSlot(o, g)));
        }
    }

    IotlbEntry lookup(int vmid, int asid, IotlbEntry.Kind kind, long iova) {
        if (micro != null) {
            IotlbEntry m = micro.lookupMain(vmid, asid, kind, iova);
            if (m != null) {
                return m;
            }
        }
        IotlbEntry hit = lookupMain(vmid, asid, kind, iova);
        if (hit != null && micro != null) {
            micro.fillMain(hit);
        }
        return hit;
    }

    private IotlbEntry lookupMain(int vmid, int asid, IotlbEntry.Kind kind, long iova) {
        IotlbEntry best = null;
        for (IotlbEntry e : order()) {
            boolean covers = Long.compareUnsigned(iova - e.va(), e.size()) < 0;
            if (e.kind() == kind && e.vmid() == vmid && e.asid() == asid && covers
                    && (best == null || e.size() < best.size())) {
                best = e;
            }
        }
        if (best != null && policy == IotlbPolicy.LRU) {
            List<IotlbEntry> set = setOf(best);
            set.remove(best);
            set.add(best);
        }
        return best;
    }

    void invalidate(TlbiCommand command) {
        sets.forEach(s -> s.removeIf(e -> Invalidation.matches(command, e)));
        if (micro != null) {
            micro.invalidate(command);
        }
    }

    void flush() {
        sets.forEach(List::clear);
        if (micro != null) {
            micro.flush();
        }
    }

    long rng() {
        return rng;
    }
}
