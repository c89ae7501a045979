package org.iommusim.actors.api;

/**
 * One of the TCU's caches (reference section 8, as gem5 keeps them): the walk
 * cache of one stage and level, the IPA cache, or the configuration cache.
 * The typed form of the names {@link TcuCacheStatistics#cache()} and
 * {@link CachedWalk#cache()} give ({@link #label()}), which reports and
 * tools print and which stay as they were.
 */
public enum TcuCache {
    /** The stage-1 walk cache of level 0 ({@code walk-s1-l0}). */
    WALK_S1_L0(1, 0),
    /** The stage-1 walk cache of level 1 ({@code walk-s1-l1}). */
    WALK_S1_L1(1, 1),
    /** The stage-1 walk cache of level 2 ({@code walk-s1-l2}). */
    WALK_S1_L2(1, 2),
    /** The stage-1 walk cache of level 3 ({@code walk-s1-l3}). */
    WALK_S1_L3(1, 3),
    /** The stage-2 walk cache of level 0 ({@code walk-s2-l0}). */
    WALK_S2_L0(2, 0),
    /** The stage-2 walk cache of level 1 ({@code walk-s2-l1}). */
    WALK_S2_L1(2, 1),
    /** The stage-2 walk cache of level 2 ({@code walk-s2-l2}). */
    WALK_S2_L2(2, 2),
    /** The stage-2 walk cache of level 3 ({@code walk-s2-l3}). */
    WALK_S2_L3(2, 3),
    /** The IPA cache: stage-2 results ({@code ipa}). */
    IPA(2, -1),
    /** The configuration cache: STEs and CDs ({@code config}). */
    CONFIG(0, -1);

    private final int stage;
    private final int level;
    private final String label;

    TcuCache(int stage, int level) {
        this.stage = stage;
        this.level = level;
        this.label = level >= 0 ? "walk-s" + stage + "-l" + level : name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The name reports and tools print: {@code walk-s<stage>-l<level>}, {@code ipa} or {@code config}.
     *
     * @return the label, as {@link TcuCacheStatistics#cache()} gives it
     */
    public String label() {
        return label;
    }

    /**
     * The stage of the tables whose results it holds.
     *
     * @return 1 or 2; 0 for the configuration cache
     */
    public int stage() {
        return stage;
    }

    /**
     * A walk cache's level.
     *
     * @return 0 to 3; -1 for the IPA and configuration caches
     */
    public int level() {
        return level;
    }

    /**
     * Whether it is a walk cache (of one stage and level).
     *
     * @return true for the {@code WALK_...} constants
     */
    public boolean isWalkCache() {
        return level >= 0;
    }

    /**
     * The walk cache of {@code stage} and {@code level}.
     *
     * @param stage 1 or 2
     * @param level 0 to 3
     * @return that walk cache
     * @throws IllegalArgumentException for another stage or level
     */
    public static TcuCache walk(int stage, int level) {
        if (stage < 1 || stage > 2 || level < 0 || level > 3) {
            throw new IllegalArgumentException("the TCU has walk caches of stages 1 and 2, levels 0 to 3, not stage "
                    + stage + " level " + level);
        }
        return values()[(stage - 1) * 4 + level];
    }

    /**
     * The cache a label names.
     *
     * @param label as {@link #label()} gives it
     * @return that cache
     * @throws IllegalArgumentException for a label no TCU cache has, naming it
     */
    public static TcuCache ofLabel(String label) {
        for (TcuCache c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no TCU cache is called " + label
                + " (walk-s<1|2>-l<0-3>, ipa, config)");
    }
}
