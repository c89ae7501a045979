package org.iommusim.protocol.capability;

/**
 * The TLB of one TBU (translation buffer unit): a main TLB of {@code entries}
 * in sets of {@code ways} (sets = entries / ways; {@code ways == entries} is
 * fully associative), replaced by {@code policy}, and optionally a
 * fully associative micro-TLB of {@code microEntries} in front of it
 * (0: none), replaced by {@code microPolicy}.
 *
 * @param seed the {@link IotlbPolicy#RANDOM} generator's seed (the micro-TLB draws from a value derived from it)
 */
public record TbuTlb(int entries, int ways, IotlbPolicy policy, long seed, int microEntries, IotlbPolicy microPolicy) {

    /** Entries of one TLB at most (as {@code iotlb-entries}). */
    public static final int MAX_ENTRIES = 1 << 24;

    /**
     * Checks the shape.
     * @throws IllegalArgumentException if {@code entries} is outside 1..{@link #MAX_ENTRIES}, {@code ways} does
     *        not divide {@code entries}, a policy is null, or {@code microEntries} is outside 0..
     *        {@link #MAX_ENTRIES}
     */
    public TbuTlb {
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("a TBU TLB has 1.." + MAX_ENTRIES + " entries, got " + entries);
        }
        if (ways < 1 || ways > entries || entries % ways != 0) {
            throw new IllegalArgumentException("a TBU TLB's ways must divide its entries (" + entries + "), got " + ways);
        }
        if (policy == null || microPolicy == null) {
            throw new IllegalArgumentException("a TBU TLB needs a policy and a micro-TLB policy");
        }
        if (microEntries < 0 || microEntries > MAX_ENTRIES) {
            throw new IllegalArgumentException("a micro-TLB has 0.." + MAX_ENTRIES + " entries, got " + microEntries);
        }
    }

    /** A fully associative TLB without a micro-TLB: what the {@code iotlb-*} capabilities describe. */
    public static TbuTlb fullyAssociative(int entries, IotlbPolicy policy, long seed) {
        return new TbuTlb(entries, entries, policy, seed, 0, IotlbPolicy.LRU);
    }

    /**
     * How many sets the main TLB has.
     * @return {@code entries / ways}, 1 when fully associative
     */
    public int sets() {
        return entries / ways;
    }
}
