package org.iommusim.actors.api;

/**
 * Counters of one of the TCU's caches (reference section 8, as gem5 keeps
 * them per cache): a walk cache of one stage and level, the IPA cache, or the
 * configuration cache.
 * Immutable, safe to share between threads.
 *
 * @param cache           {@code walk-s<stage>-l<level>} (e.g. {@code walk-s1-l2}), {@code ipa} or {@code config}
 * @param capacity        entries it can hold; 0 when it is off (or, for the configuration cache, unbounded)
 * @param size            entries it holds now
 * @param invalidations   entries TLBI (or, for the configuration cache, CFGI) commands removed
 * @param freedTableReads walks its table entries sent to a table page that had been freed (walk caches only)
 */
public record TcuCacheStatistics(String cache, int capacity, int size, long lookups, long hits, long misses,
        long fills, long evictions, long invalidations, long freedTableReads) {

    /**
     * The cache these counters are of, typed ({@link #cache()} is its {@link TcuCache#label()}).
     *
     * @return the cache
     * @throws IllegalStateException when {@code cache} names no TCU cache (a record made by hand)
     */
    public TcuCache kind() {
        try {
            return TcuCache.ofLabel(cache);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The share of lookups that hit.
     *
     * @return {@code hits / lookups}, or 0 before any lookup
     */
    public double hitRate() {
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
