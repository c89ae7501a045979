package org.iommusim.persistence.iotlb;

import java.util.EnumMap;
import org.iommusim.protocol.command.CommandOpcode;

/** The shard's live, mutable counters; {@link IotlbStats} is their published copy. */
final class Counters {
    long hits;
    long misses;
    long fills;
    long evictions;
    long flushes;
    long flushedEntries;
    long entriesRemoved;
    final EnumMap<CommandOpcode, Long> invalidations = new EnumMap<>(CommandOpcode.class);

    void invalidated(CommandOpcode opcode, int removed) {
        invalidations.merge(opcode, 1L, Long::sum);
        entriesRemoved += removed;
    }

    IotlbStats snapshot() {
        return new IotlbStats(hits, misses, fills, evictions, flushes, flushedEntries, invalidations, entriesRemoved);
    }

    static Counters of(IotlbStats s) {
        Counters c = new Counters();
        c.hits = s.hits();
        c.misses = s.misses();
        c.fills = s.fills();
        c.evictions = s.evictions();
        c.flushes = s.flushes();
        c.flushedEntries = s.flushedEntries();
        c.entriesRemoved = s.entriesRemoved();
        c.invalidations.putAll(s.invalidations());
        return c;
    }
}
