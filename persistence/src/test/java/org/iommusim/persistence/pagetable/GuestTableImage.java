package org.iommusim.persistence.pagetable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.memory.GuestMemoryException;

/**
 * A guest's 4K-granule, 4-level stage-1 tables as bytes in memory would hold them: descriptors by physical
 * address. The tables sit in a pool at IPA {@code ttb0} (level 0 at +0, level 1 at +0x1000, level 2 at
 * +0x2000, level 3 at +0x3000), which stage 2 maps to PA {@code poolPa}; one path of tables serves the
 * addresses the tests use.
 */
public final class GuestTableImage implements GuestMemory {
    public static final long VALID_TABLE = 0b11;
    public static final long AF = 1L << 10;
    public static final long AP_RDONLY = 1L << 7;
    public static final long AP_UNPRIV = 1L << 6;
    public static final long XN = 3L << 53;

    private final long ttb0;
    private final long poolPa;
    private final Map<Long, Long> memory = new ConcurrentHashMap<>();
    private volatile long refusedFrom = Long.MAX_VALUE;
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();

    public GuestTableImage(long ttb0, long poolPa) {
        this.ttb0 = ttb0;
        this.poolPa = poolPa;
    }

    private static int index(long iova, int level) {
        return (int) ((iova >>> (12 + 9 * (3 - level))) & 0x1FF);
    }

    /** The PA of {@code iova}'s level-{@code level} descriptor. */
    public long descriptorPa(long iova, int level) {
        return poolPa + 0x1000L * level + 8L * index(iova, level);
    }

    /** The IPA of {@code iova}'s level-{@code level} descriptor. */
    public long descriptorIpa(long iova, int level) {
        return ttb0 + 0x1000L * level + 8L * index(iova, level);
    }

    /** Table descriptors from level 0 down to {@code leafLevel - 1} on {@code iova}'s path. */
    public GuestTableImage tablesTo(long iova, int leafLevel) {
        for (int level = 0; level < leafLevel; level++) {
            put(descriptorPa(iova, level), (ttb0 + 0x1000L * (level + 1)) | VALID_TABLE);
        }
        return this;
    }

    /** A page (level 3) mapping {@code iova} to {@code ipa}, with extra descriptor bits {@code attrs}. */
    public GuestTableImage page(long iova, long ipa, long attrs) {
        tablesTo(iova, 3);
        put(descriptorPa(iova, 3), ipa | VALID_TABLE | attrs);
        return this;
    }

    public void put(long pa, long descriptor) {
        memory.put(pa, descriptor);
    }

    public long get(long pa) {
        return memory.getOrDefault(pa, 0L);
    }

    /** Reads at or above {@code pa} are refused from now on. */
    public void refuseFrom(long pa) {
        refusedFrom = pa;
    }

    /** How many reads the memory answered or refused. */
    public long reads() {
        return reads.get();
    }

    @Override
    public long readDescriptor(long address) {
        reads.incrementAndGet();
        if (address >= refusedFrom) {
            throw new GuestMemoryException(address, "beyond the test's memory");
        }
        return memory.getOrDefault(address, 0L);
    }
}
