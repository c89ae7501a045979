package org.iommusim.persistence.tcu;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each stage walk of one translation started and ended, for the
 * per-request detail (only when asked for: the burst path makes one only for a walk that can
 * read addressed tables, a CD's TTB0 or guest memory).
 * A walk reads the descriptors at levels {@code fromLevel} to
 * {@code toLevel} of its table, the first in table page {@code fromTable},
 * the rest in the pages below on its input's path.
 */
public final class WalkTrace {
    /**
     * @param walkCacheHitLevel the level of the walk-cache entry the walk started from, -1 for none
     * @param ipaCacheHit       the IPA cache answered (stage 2; nothing read)
     * @param fromTable         the identity of the table page read first
     * @param toLevel           the level of the last read (fromLevel - 1 when nothing was read)
     */
    public record StageWalk(int stage, long input, int walkCacheHitLevel, boolean ipaCacheHit, int fromLevel,
            long fromTable, int toLevel) {
        public int reads() {
            return Math.max(0, toLevel - fromLevel + 1);
        }
    }

    private final List<StageWalk> walks = new ArrayList<>(2);

    public void add(int stage, long input, int walkCacheHitLevel, boolean ipaCacheHit, int fromLevel, long fromTable,
            int toLevel) {
        walks.add(new StageWalk(stage, input, walkCacheHitLevel, ipaCacheHit, fromLevel, fromTable, toLevel));
    }

    public List<StageWalk> walks() {
        return walks;
    }
}
