package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.domain.Granule;

/**
 * Leaf size selection as Linux {@code iommu_pgsize} does it with a
 * {@code pgsize_bitmap}: the largest block or page that both addresses are
 * aligned to and the remaining length can hold.
 */
final class LeafSizes {
    private LeafSizes() {}

    /** Requires iova, pa and remaining to be page-aligned, remaining > 0. */
    static long largest(Granule granule, long iova, long pa, long remaining) {
        long alignment = iova | pa;
        for (long size : granule.leafSizes()) {
            if (size <= remaining && (alignment & (size - 1)) == 0) {
                return size;
            }
        }
        throw new IllegalStateException("no leaf size fits iova=0x" + Long.toHexString(iova)
                + " pa=0x" + Long.toHexString(pa) + " remaining=0x" + Long.toHexString(remaining));
    }
}
