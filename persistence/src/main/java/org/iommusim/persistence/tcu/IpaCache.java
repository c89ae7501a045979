package org.iommusim.persistence.tcu;

import java.util.List;
import java.util.function.Predicate;
import org.iommusim.protocol.capability.CacheShape;

/** The optional IPA cache: stage-2 results keyed by (VMID, IPA), as gem5's SMMUv3 has it. */
public final class IpaCache {
    private final SetAssociative<IpaEntry> store;

    IpaCache(CacheShape shape) {
        this.store = new SetAssociative<>(shape);
    }

    public String name() {
        return "ipa";
    }

    boolean enabled() {
        return store.enabled();
    }

    IpaEntry lookup(int vmid, long ipa) {
        CacheCounters c = store.counters;
        c.lookups++;
        long page = ipa >>> IpaEntry.PAGE_SHIFT;
        int base = store.setBase(hash(vmid, page));
        for (int i = base; i < base + store.ways(); i++) {
            IpaEntry e = store.at(i);
            if (e != null && e.hitBy(vmid, ipa)) {
                store.touch(i);
                c.hits++;
                return e;
            }
        }
        c.misses++;
        return null;
    }

    IpaEntry fill(IpaEntry e) {
        return store.fill(hash(e.vmid(), e.page()), e);
    }

    List<IpaEntry> invalidate(Predicate<IpaEntry> remove) {
        return store.invalidate(remove);
    }

    public List<IpaEntry> entries() {
        return store.entries();
    }

    /** The slot the last fill took. */
    int lastSlot() {
        return store.lastSlot;
    }

    IpaEntry place(int slot, IpaEntry e) {
        return store.place(slot, e);
    }

    void clear() {
        store.clear();
    }

    /** (slot, entry) pairs, least recently used first. */
    List<java.util.Map.Entry<Integer, IpaEntry>> byUse() {
        return store.slotsByUse().stream().map(i -> java.util.Map.entry(i, store.at(i))).toList();
    }

    void restoreCounters(CacheStats s) {
        store.restoreCounters(s);
    }

    CacheStats stats() {
        return store.counters.snapshot(name(), store.shape.entries(), store.size());
    }

    private static long hash(int vmid, long page) {
        return page * 31 + vmid;
    }
}
