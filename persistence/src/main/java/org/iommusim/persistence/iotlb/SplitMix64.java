package org.iommusim.persistence.iotlb;

/**
 * SplitMix64 as pure functions of a {@code long} state, so the RANDOM
 * policy's generator is a plain value inside the shard's state and snapshots:
 * the same state always gives the same victims.
 */
final class SplitMix64 {
    static final long GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix64() {}

    /** The state after one draw. */
    static long advance(long state) {
        return state + GAMMA;
    }

    /** The value drawn from {@code state} (before advancing). */
    static long value(long state) {
        long z = state + GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A draw from {@code state} reduced to {@code 0 .. bound-1}. */
    static int index(long state, int bound) {
        return (int) Long.remainderUnsigned(value(state), bound);
    }
}
