package org.iommusim.actors.api;

import java.util.Map;
import org.iommusim.persistence.translate.StreamStats;
import org.iommusim.protocol.command.CommandOpcode;

/**
 * Statistics of one SMMU: IOTLB totals over its shards (hits, misses, fills,
 * evictions, invalidations by command, entries removed) and per-stream
 * counters (hits, misses, walks, faults by type).
 */
public record SmmuStatistics(long hits, long misses, long fills, long evictions,
        Map<CommandOpcode, Long> invalidationsByCommand, long entriesRemoved, Map<Integer, StreamStats> streams) {

    public double hitRate() {
        long n = hits + misses;
        return n == 0 ? 0 : (double) hits / n;
    }
}
