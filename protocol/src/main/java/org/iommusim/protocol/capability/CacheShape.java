package org.iommusim.protocol.capability;

/**
 * The size and organisation of one TCU cache.
 *
 * @param entries how many entries it holds; 0 means none (a cache that is off, or, for the
 *                configuration cache, unbounded: see {@link TcuCaches#configCache()})
 * @param ways    associativity: entries per set; {@code entries / ways} sets, selected by a hash
 *                of the tag. 0 means fully associative (one set)
 */
public record CacheShape(int entries, int ways) {
    /** No cache: zero entries. */
    public static final CacheShape NONE = new CacheShape(0, 0);

    /**
     * Checks the shape.
     * @throws IllegalArgumentException if {@code entries} is outside 0..2^20, {@code ways} outside 0..64, or
     *        {@code entries} is not a multiple of a non-zero {@code ways}
     */
    public CacheShape {
        if (entries < 0 || entries > (1 << 20)) {
            throw new IllegalArgumentException("cache entries=" + entries + " is outside 0..1048576");
        }
        if (ways < 0 || ways > 64) {
            throw new IllegalArgumentException("cache ways=" + ways + " is outside 0..64 (0: fully associative)");
        }
        if (entries > 0 && ways > 0 && entries % ways != 0) {
            throw new IllegalArgumentException("cache entries=" + entries + " is not a multiple of ways=" + ways);
        }
    }

    /**
     * Whether the cache holds anything.
     * @return true when {@code entries > 0}
     */
    public boolean enabled() {
        return entries > 0;
    }

    /** Entries per set (all of them when fully associative). */
    public int setWays() {
        return ways == 0 ? entries : Math.min(ways, entries);
    }

    /**
     * How many sets the entries are split into.
     * @return {@code entries / setWays()}, 1 when fully associative, 0 when there are no entries
     */
    public int sets() {
        return entries == 0 ? 0 : entries / setWays();
    }

    @Override
    public String toString() {
        return entries == 0 ? "none" : entries + (ways == 0 ? " fully associative" : " " + ways + "-way");
    }
}
