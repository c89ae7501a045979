package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.iotlb.Entries.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.junit.jupiter.api.Test;

/** The hit path (and the miss path) of {@link IotlbShard#lookupOrNull} allocates nothing, even before the JIT helps. */
class LookupAllocationTest {

    @Test
    void lookupsAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported());

        IotlbShard shard = shard(1024, IotlbPolicy.LRU);
        for (int i = 0; i < 512; i++) {
            shard.fill(s1(0, 1, (long) i << 12));
        }
        shard.fill(s1Block(0, 1, 0x4000_0000L));
        shard.fill(nested(1, 1, 0x1000));
        long tid = Thread.currentThread().getId();
        long found = 0;
        long before = threads.getThreadAllocatedBytes(tid);
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 1024; i++) {
                // Half hit a page, a quarter hit the block, a quarter miss: every path is measured.
                long iova = i < 512 ? (long) i << 12 | 0x10
                        : i < 768 ? 0x4000_0000L + ((long) (i - 512) << 12) : 0x5000_0000L + ((long) i << 12);
                if (shard.lookupOrNull(0, 1, IotlbEntry.Kind.STAGE1, iova) != null) {
                    found++;
                }
            }
            shard.lookupOrNull(0, 1, IotlbEntry.Kind.NESTED, 0x1000);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertEquals(200L * 768, found);
        assertTrue(allocated < 4096, allocated + " bytes allocated by 204800 lookups");
    }
}
