package org.iommusim.persistence.pagetable;

/**
 * The table digest is the wrapping sum of a strong 64-bit hash of each
 * (IOVA, descriptor) leaf. Leaves are unique per IOVA, so this is a hash of
 * the ordered leaf list that edits keep up to date in O(1) per leaf, and
 * {@link PageTable#digest()} costs nothing.
 */
final class LeafDigest {
    private LeafDigest() {}

    static long of(long iova, long descriptor) {
        return mix(iova ^ mix(descriptor + 0x9E3779B97F4A7C15L));
    }

    /** SplitMix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
