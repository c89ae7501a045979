package org.iommusim.persistence.tcu;

import java.util.List;
import java.util.function.Predicate;
import org.iommusim.protocol.capability.CacheShape;

/**
 * The walk cache of one stage and level: descriptors the walker read at that
 * level (table descriptors, and the block or page descriptors found there),
 * as gem5's SMMUv3 keeps one walk cache per stage and level. A hit lets the
 * walker skip every level above.
 */
public final class WalkCache {
    private final int stage;
    private final int level;
    private final SetAssociative<WalkEntry> store;

    WalkCache(int stage, int level, CacheShape shape) {
        this.stage = stage;
        this.level = level;
        this.store = new SetAssociative<>(shape);
    }

    public String name() {
        return "walk-s" + stage + "-l" + level;
    }

    public int stage() {
        return stage;
    }

    public int level() {
        return level;
    }

    boolean enabled() {
        return store.enabled();
    }

    /**
     * The entry for (vmid, asid, prefix), counted as a lookup; null on a miss. {@code guestTables}: a walk of a
     * guest's tables in memory, which finds only guest table entries ({@link WalkEntry#guestTable}), as a walk of
     * a model table finds only its own kind: one's entry names a table the other cannot follow, so it is a miss.
     */
    WalkEntry lookup(int vmid, int asid, long prefix, int shift, boolean guestTables) {
        CacheCounters c = store.counters;
        c.lookups++;
        int base = store.setBase(hash(vmid, asid, prefix));
        for (int i = base; i < base + store.ways(); i++) {
            WalkEntry e = store.at(i);
            if (e != null && e.matches(vmid, asid, prefix, shift) && e.guestTable() == guestTables) {
                store.touch(i);
                c.hits++;
                return e;
            }
        }
        c.misses++;
        return null;
    }

    /** Fills {@code e}; the entry it evicted, or null. */
    WalkEntry fill(WalkEntry e) {
        return store.fill(hash(e.vmid(), e.asid(), e.prefix()), e);
    }

    List<WalkEntry> invalidate(Predicate<WalkEntry> remove) {
        return store.invalidate(remove);
    }

    void countFreedTableRead() {
        store.counters.freedTableReads++;
    }

    public List<WalkEntry> entries() {
        return store.entries();
    }

    /** The slot the last fill took. */
    int lastSlot() {
        return store.lastSlot;
    }

    WalkEntry place(int slot, WalkEntry e) {
        return store.place(slot, e);
    }

    void clear() {
        store.clear();
    }

    /** (slot, entry) pairs, least recently used first. */
    List<java.util.Map.Entry<Integer, WalkEntry>> byUse() {
        return store.slotsByUse().stream().map(i -> java.util.Map.entry(i, store.at(i))).toList();
    }

    void restoreCounters(CacheStats s) {
        store.restoreCounters(s);
    }

    CacheStats stats() {
        return store.counters.snapshot(name(), store.shape.entries(), store.size());
    }

    private static long hash(int vmid, int asid, long prefix) {
        return prefix * 31 + (((long) vmid << 32) ^ (asid & 0xffffffffL));
    }
}
