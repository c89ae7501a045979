package org.iommusim.actors.api;

import java.util.Map;
import org.iommusim.protocol.command.CommandOpcode;

/**
 * Statistics of one SMMU: totals over its TBUs (hits in the micro-TLB or the
 * main TLB, misses of both that went to the walker, main-TLB fills, evictions,
 * invalidations by command, entries removed), per-stream counters (hits,
 * misses, walks, faults by type), and each TBU's own counters ({@code tbus},
 * by TBU index), and each of the TCU's caches ({@code tcu}: the walk caches of
 * stage 1 levels 0-3, stage 2 levels 0-3, the IPA cache, the configuration cache).
 * A snapshot taken by {@link IommuSim#statistics}: immutable, safe to share between threads.
 */
public record SmmuStatistics(long hits, long misses, long fills, long evictions,
        Map<CommandOpcode, Long> invalidationsByCommand, long entriesRemoved, Map<Integer, StreamStatistics> streams,
        java.util.List<TbuStatistics> tbus, java.util.List<TcuCacheStatistics> tcu) {

    /** Without TCU statistics (an empty {@code tcu} list). */
    public SmmuStatistics(long hits, long misses, long fills, long evictions,
            Map<CommandOpcode, Long> invalidationsByCommand, long entriesRemoved, Map<Integer, StreamStatistics> streams,
            java.util.List<TbuStatistics> tbus) {
        this(hits, misses, fills, evictions, invalidationsByCommand, entriesRemoved, streams, tbus, java.util.List.of());
    }

    /** The TCU cache named {@code cache} (e.g. {@code walk-s1-l2}), if the SMMU has it. */
    public java.util.Optional<TcuCacheStatistics> tcuCache(String cache) {
        return tcu.stream().filter(c -> c.cache().equals(cache)).findFirst();
    }

    /**
     * The counters of TCU cache {@code cache}, if the SMMU has it (a bounded configuration cache only when
     * configured).
     *
     * @param cache the cache
     * @return its counters, or empty
     * @throws IllegalArgumentException for a null cache
     */
    public java.util.Optional<TcuCacheStatistics> tcuCache(TcuCache cache) {
        if (cache == null) {
            throw new IllegalArgumentException("cache must not be null");
        }
        return tcuCache(cache.label());
    }

    /** {@code hits / (hits + misses)}, or 0 before any translation. */
    public double hitRate() {
        long n = hits + misses;
        return n == 0 ? 0 : (double) hits / n;
    }
}
