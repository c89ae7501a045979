package org.iommusim.persistence.pagetable;

import static org.iommusim.persistence.pagetable.PageTableError.Kind.*;

/** The stateless checks of one batch element: sizes, alignment, address ranges. */
final class SegmentChecks {
    private SegmentChecks() {}

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** 4K, 2M, 1G... as block sizes are usually written. */
    static String size(long bytes) {
        String[] units = {"", "K", "M", "G", "T"};
        int u = 0;
        while (u < units.length - 1 && bytes >= 1024 && bytes % 1024 == 0) {
            bytes /= 1024;
            u++;
        }
        return bytes + units[u];
    }

    static String range(long start, long size) {
        return "[" + hex(start) + ", +" + hex(size) + ")";
    }

    /** Size, IOVA alignment and IAS checks shared by map and unmap; null when they pass. */
    static PageTableError inputRange(TableGeometry geo, int index, long iova, long size, long pa, boolean hasPa) {
        if (size == 0) {
            return PageTableError.of(ZERO_SIZE, index, iova, "segment at " + hex(iova) + " has size 0");
        }
        long page = geo.pageSize;
        if ((iova & (page - 1)) != 0) {
            return PageTableError.of(MISALIGNED, index, iova,
                    "iova " + hex(iova) + " is not a multiple of the " + geo.granule.label() + " page size");
        }
        if (hasPa && (pa & (page - 1)) != 0) {
            return PageTableError.of(MISALIGNED, index, pa,
                    "pa " + hex(pa) + " is not a multiple of the " + geo.granule.label() + " page size");
        }
        if ((size & (page - 1)) != 0) {
            return PageTableError.of(MISALIGNED, index, iova + size,
                    "size " + hex(size) + " is not a multiple of the " + geo.granule.label() + " page size");
        }
        if (Long.compareUnsigned(iova, geo.inputLimit) >= 0
                || Long.compareUnsigned(size, geo.inputLimit - iova) > 0) {
            long first = Long.compareUnsigned(iova, geo.inputLimit) >= 0 ? iova : geo.inputLimit;
            return PageTableError.of(IOVA_BEYOND_IAS, index, first,
                    "iova range " + range(iova, size) + " reaches beyond the " + geo.ias + "-bit input size");
        }
        return null;
    }

    static PageTableError outputRange(TableGeometry geo, int index, long pa, long size) {
        if (Long.compareUnsigned(pa, geo.outputLimit) >= 0
                || Long.compareUnsigned(size, geo.outputLimit - pa) > 0) {
            long first = Long.compareUnsigned(pa, geo.outputLimit) >= 0 ? pa : geo.outputLimit;
            return PageTableError.of(PA_BEYOND_OAS, index, first,
                    "pa range " + range(pa, size) + " reaches beyond the " + geo.oas + "-bit output size");
        }
        return null;
    }
}
