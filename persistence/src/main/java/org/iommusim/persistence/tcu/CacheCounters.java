package org.iommusim.persistence.tcu;

/** One TCU cache's counters, as gem5 keeps them per cache. Mutable; guarded by the TCU's lock. */
final class CacheCounters {
    long lookups;
    long hits;
    long misses;
    long fills;
    long evictions;
    long invalidations;
    long freedTableReads;

    CacheStats snapshot(String name, int capacity, int size) {
        return new CacheStats(name, capacity, size, lookups, hits, misses, fills, evictions, invalidations,
                freedTableReads);
    }
}
