package org.iommusim.actors.api;

import org.iommusim.protocol.capability.IotlbPolicy;

/**
 * Counters of one TLB (a TBU's main TLB or its micro-TLB). A micro-TLB's
 * counters are live only (it is not journaled); a main TLB's hits and misses
 * survive a restart through snapshots only, the rest through its log.
 * Immutable, safe to share between threads.
 *
 * @param entries        entries held now
 * @param capacity       entries it can hold
 * @param ways           entries per set ({@code capacity} when fully associative)
 * @param policy         replacement policy
 * @param evictions      entries dropped to make room for a fill
 * @param flushes        whole-TLB flushes (FLUSH_ALL_WHEN_FULL, or a retirement)
 * @param invalidations  TLBI commands applied
 * @param entriesRemoved entries those TLBIs removed
 */
public record TlbStatistics(int entries, int capacity, int ways, IotlbPolicy policy, long hits, long misses, long fills,
        long evictions, long flushes, long invalidations, long entriesRemoved) {

    /**
     * Lookups of this TLB.
     *
     * @return {@code hits + misses}
     */
    public long lookups() {
        return hits + misses;
    }

    /**
     * The share of lookups that hit.
     *
     * @return {@code hits / lookups}, or 0 before any lookup
     */
    public double hitRate() {
        long n = lookups();
        return n == 0 ? 0 : (double) hits / n;
    }
}
