package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;

/**
 * How an input address splits into table indices for one domain: the start
 * level, the bits each level resolves, and which levels may hold blocks.
 *
 * <p>Levels run from {@link Granule#startLevel(int)} to 3. A 4K granule with
 * an IAS above 48 bits starts at level -1, as FEAT_LPA2 does; arrays here are
 * indexed by {@code level + 1} so that case needs no special path.
 */
final class TableGeometry {
    final Granule granule;
    final int startLevel;
    final int ias;
    final int oas;
    /** 2^IAS; addresses are compared unsigned against it. */
    final long inputLimit;
    final long outputLimit;
    final long pageSize;
    private final int[] shift = new int[5];
    private final long[] indexMask = new long[5];
    private final int[] entries = new int[5];
    private final boolean[] blockLevel = new boolean[5];

    TableGeometry(DomainSpec spec) {
        granule = spec.granule();
        ias = spec.ias();
        oas = spec.oas();
        startLevel = granule.startLevel(ias);
        if (startLevel < -1 || startLevel > 3) {
            throw new IllegalArgumentException("ias=" + ias + " gives start level " + startLevel);
        }
        inputLimit = 1L << ias;
        outputLimit = 1L << oas;
        pageSize = granule.pageSize();
        for (int level = startLevel; level <= 3; level++) {
            int s = granule.pageShift() + (3 - level) * granule.bitsPerLevel();
            int bits = level == startLevel ? ias - s : granule.bitsPerLevel();
            shift[level + 1] = s;
            entries[level + 1] = 1 << bits;
            indexMask[level + 1] = (1L << bits) - 1;
        }
        for (long size : granule.leafSizes()) {
            blockLevel[granule.levelOf(size) + 1] = true;
        }
    }

    int index(long address, int level) {
        return (int) ((address >>> shift[level + 1]) & indexMask[level + 1]);
    }

    /** Bytes one entry at {@code level} covers. */
    long entrySize(int level) {
        return 1L << shift[level + 1];
    }

    /** Entries in a table at {@code level} (the start level's table may be smaller). */
    int entries(int level) {
        return entries[level + 1];
    }

    /** Whether a leaf may sit at {@code level} (the granule's block or page sizes). */
    boolean leafLevel(int level) {
        return level >= startLevel && level <= 3 && blockLevel[level + 1];
    }

    int levelOf(long leafSize) {
        return granule.levelOf(leafSize);
    }
}
