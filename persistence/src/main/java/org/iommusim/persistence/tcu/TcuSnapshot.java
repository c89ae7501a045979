package org.iommusim.persistence.tcu;

import java.util.List;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.capability.TcuCaches;

/**
 * The TCU's caches at one point of its log: their shapes, every entry held as
 * the fill that put it in its slot ({@link TcuEvent.WalkFilled},
 * {@link TcuEvent.IpaFilled} or {@link TcuEvent.ConfigFilled}), least recently used first within each cache, so
 * a restored TCU evicts as the one it was would, and each cache's counters.
 *
 * @param stats one per cache, in {@link Tcu#stats()}'s order
 * @param acksAhead the last {@link TcuEvent.AcksAhead} marker applied said ahead
 */
public record TcuSnapshot(TcuCaches shape, List<TcuEvent> fills, List<CacheStats> stats, boolean acksAhead)
        implements JournalSerializable {
    /** Caches not marked as acknowledging ahead of their log ({@link TcuEvent.AcksAhead}). */
    public TcuSnapshot(TcuCaches shape, List<TcuEvent> fills, List<CacheStats> stats) {
        this(shape, fills, stats, false);
    }

    public TcuSnapshot {
        if (shape == null) {
            throw new IllegalArgumentException("a TCU snapshot needs its shapes");
        }
        fills = List.copyOf(fills);
        stats = List.copyOf(stats);
        for (TcuEvent e : fills) {
            if (!(e instanceof TcuEvent.WalkFilled) && !(e instanceof TcuEvent.IpaFilled)
                    && !(e instanceof TcuEvent.ConfigFilled)) {
                throw new IllegalArgumentException("a TCU snapshot holds fills only, not " + e);
            }
        }
    }
}
