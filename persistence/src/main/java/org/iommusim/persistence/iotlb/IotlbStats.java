package org.iommusim.persistence.iotlb;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.iommusim.protocol.command.CommandOpcode;

/**
 * A shard's counters at one moment. {@code hits} and {@code misses} come from
 * lookups, which persist nothing: they survive a snapshot but not a replay of
 * events. Every other counter is rebuilt exactly by replaying the events.
 *
 * @param evictions      entries dropped to make room for a fill (one per eviction, not per flush)
 * @param flushes        {@link IotlbEvent.Flushed} events applied
 * @param flushedEntries entries dropped by those flushes
 * @param invalidations  TLBI commands applied, by opcode (EL2/EL3 included, though they remove nothing)
 * @param entriesRemoved entries removed by those TLBIs
 */
public record IotlbStats(long hits, long misses, long fills, long evictions, long flushes, long flushedEntries,
        Map<CommandOpcode, Long> invalidations, long entriesRemoved) {

    public static final IotlbStats ZERO = new IotlbStats(0, 0, 0, 0, 0, 0, Map.of(), 0);

    public IotlbStats {
        EnumMap<CommandOpcode, Long> copy = new EnumMap<>(CommandOpcode.class);
        copy.putAll(invalidations);
        invalidations = Collections.unmodifiableMap(copy);
    }

    public long invalidations(CommandOpcode opcode) {
        return invalidations.getOrDefault(opcode, 0L);
    }

    /** The counters that replaying events rebuilds: these with hits and misses zeroed. */
    public IotlbStats withoutLookups() {
        return new IotlbStats(0, 0, fills, evictions, flushes, flushedEntries, invalidations, entriesRemoved);
    }
}
