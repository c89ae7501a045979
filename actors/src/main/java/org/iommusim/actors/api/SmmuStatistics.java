package org.iommusim.actors.api;

import java.util.Map;
import org.iommusim.persistence.translate.StreamStats;
import org.iommusim.protocol.command.CommandOpcode;

/**
 * Statistics of one SMMU: totals over its TBUs (hits in the micro-TLB or the
 * main TLB, misses of both that went to the walker, main-TLB fills, evictions,
 * invalidations by command, entries removed), per-stream counters (hits,
 * misses, walks, faults by type), and each TBU's own counters ({@code tbus},
 * by TBU index).
 */
public record SmmuStatistics(long hits, long misses, long fills, long evictions,
        Map<CommandOpcode, Long> invalidationsByCommand, long entriesRemoved, Map<Integer, StreamStats> streams,
        java.util.List<TbuStatistics> tbus) {

    public double hitRate() {
        long n = hits + misses;
        return n == 0 ? 0 : (double) hits / n;
    }
}
