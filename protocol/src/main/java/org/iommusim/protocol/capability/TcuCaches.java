package org.iommusim.protocol.capability;

import java.util.List;

/**
 * The TCU's caches (reference section 8): the configuration cache, the walk
 * caches per stage and level, and the optional IPA cache. Defaults follow
 * gem5's SMMUv3 (walk caches: stage 1 L0-L3 4/28/348/4, stage 2 4/28/92/4,
 * 4-way) except that the configuration cache is unbounded (as the model has
 * always had it, so a missing CFGI stays visible forever) and the IPA cache is
 * off.
 *
 * @param stage1Walk  walk caches for stage-1 descriptors, levels 0 to 3
 * @param stage2Walk  walk caches for stage-2 descriptors, levels 0 to 3
 * @param ipaCache    stage-2 results keyed by (VMID, IPA); {@link CacheShape#NONE} when off
 * @param configCache STEs and CDs keyed by (StreamID, SubstreamID); {@link CacheShape#NONE} when unbounded
 */
public record TcuCaches(List<CacheShape> stage1Walk, List<CacheShape> stage2Walk, CacheShape ipaCache,
        CacheShape configCache) {

    /** Translation table levels per stage (0 to 3): each walk-cache list has this many shapes. */
    public static final int LEVELS = 4;

    /**
     * Checks the shapes and copies the lists.
     * @throws IllegalArgumentException if a walk-cache list is null, has other than {@link #LEVELS} shapes or
     *        holds a null, or the IPA or configuration cache shape is null
     */
    public TcuCaches {
        stage1Walk = checked("stage1Walk", stage1Walk);
        stage2Walk = checked("stage2Walk", stage2Walk);
        if (ipaCache == null || configCache == null) {
            throw new IllegalArgumentException("the IPA cache and configuration cache shapes are required");
        }
    }

    private static List<CacheShape> checked(String name, List<CacheShape> levels) {
        if (levels == null || levels.size() != LEVELS || levels.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(name + " needs one cache shape for each of levels 0..3");
        }
        return List.copyOf(levels);
    }

    /** gem5's walk caches, no IPA cache, an unbounded configuration cache. */
    public static TcuCaches defaults() {
        return new TcuCaches(
                List.of(new CacheShape(4, 4), new CacheShape(28, 4), new CacheShape(348, 4), new CacheShape(4, 4)),
                List.of(new CacheShape(4, 4), new CacheShape(28, 4), new CacheShape(92, 4), new CacheShape(4, 4)),
                CacheShape.NONE, CacheShape.NONE);
    }

    /**
     * The walk cache of {@code stage} (1; any other value means 2) at {@code level} (0..3).
     * @throws IndexOutOfBoundsException if {@code level} is outside 0..3
     */
    public CacheShape walk(int stage, int level) {
        return (stage == 1 ? stage1Walk : stage2Walk).get(level);
    }

    /**
     * A copy with another IPA cache.
     * @return new caches, this record unchanged
     * @throws IllegalArgumentException if {@code s} is null
     */
    public TcuCaches withIpaCache(CacheShape s) {
        return new TcuCaches(stage1Walk, stage2Walk, s, configCache);
    }

    /**
     * A copy with another configuration cache ({@link CacheShape#NONE}: unbounded).
     * @return new caches, this record unchanged
     * @throws IllegalArgumentException if {@code s} is null
     */
    public TcuCaches withConfigCache(CacheShape s) {
        return new TcuCaches(stage1Walk, stage2Walk, ipaCache, s);
    }

    /**
     * A copy with other walk caches for {@code stage}: 1 means stage 1, any other value stage 2.
     * @return new caches, this record unchanged
     * @throws IllegalArgumentException if {@code levels} is not {@link #LEVELS} non-null shapes
     */
    public TcuCaches withWalk(int stage, List<CacheShape> levels) {
        return stage == 1 ? new TcuCaches(levels, stage2Walk, ipaCache, configCache)
                : new TcuCaches(stage1Walk, levels, ipaCache, configCache);
    }
}
