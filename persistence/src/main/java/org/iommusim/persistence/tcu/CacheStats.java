package org.iommusim.persistence.tcu;

/**
 * One TCU cache's statistics.
 *
 * @param name            e.g. {@code walk-s1-l2}, {@code ipa}, {@code config}
 * @param capacity        entries it can hold (0: off, or unbounded for the configuration cache)
 * @param size            entries it holds now
 * @param invalidations   entries invalidation commands removed
 * @param freedTableReads walks this cache's table entries sent to a table page that had been freed
 */
public record CacheStats(String name, int capacity, int size, long lookups, long hits, long misses, long fills,
        long evictions, long invalidations, long freedTableReads) {}
