package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.iotlb.Entries.K4;
import static org.iommusim.persistence.iotlb.Entries.M2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.junit.jupiter.api.Test;

/**
 * {@link IotlbShard#entriesMeeting} is {@link IotlbShard#entries()} with the
 * entries of other tags or outside the range left out, in the same order,
 * whether it answers through the index (a few pages) or by a scan, and after
 * lookups have moved entries in an LRU TLB's order.
 */
class EntriesMeetingTest {
    @Test
    void agreesWithTheWholeListFilteredOnEveryRange() {
        for (int c = 0; c < 4; c++) {
            IotlbPolicy policy = IotlbPolicy.values()[c % IotlbPolicy.values().length];
            Random rnd = new Random(7 + c);
            // the last one 4-way set associative with a micro-TLB: the answer goes set by set
            IotlbShard shard = c < 3 ? Entries.shard(256, policy)
                    : IotlbShard.empty(new IotlbConfig(256, 4, IotlbPolicy.LRU, 42, 8, IotlbPolicy.LRU));
            for (int i = 0; i < 600; i++) {
                long page = rnd.nextInt(512) * K4;
                int asid = 1 + rnd.nextInt(2);
                switch (rnd.nextInt(4)) {
                    case 0 -> shard.fill(Entries.s1(0, asid, page));
                    case 1 -> shard.fill(Entries.s1Block(0, asid, (page / M2) * M2));
                    case 2 -> shard.fill(Entries.nested(1, asid, page));
                    default -> shard.fill(Entries.s2(1, page));
                }
                if (rnd.nextInt(3) == 0) {
                    shard.lookup(0, asid, IotlbEntry.Kind.STAGE1, rnd.nextInt(512) * K4); // moves an LRU entry
                }
            }
            int indexed = 0;
            for (int q = 0; q < 2000; q++) {
                IotlbEntry.Kind kind = IotlbEntry.Kind.values()[rnd.nextInt(3)];
                int vmid = kind == IotlbEntry.Kind.STAGE1 ? 0 : 1;
                int asid = kind == IotlbEntry.Kind.STAGE2 ? IotlbEntry.NO_ASID : 1 + rnd.nextInt(2);
                long from = rnd.nextInt(520) * K4 + (rnd.nextBoolean() ? rnd.nextInt(4096) : 0);
                long bytes = rnd.nextInt(4) == 0 ? rnd.nextInt(400) * K4 : 1 + rnd.nextInt(3 * 4096);
                List<IotlbEntry> expected = new ArrayList<>();
                for (IotlbEntry e : shard.entries()) {
                    if (e.kind() == kind && e.vmid() == vmid && e.asid() == asid
                            && Long.compareUnsigned(e.va(), from + bytes) < 0
                            && Long.compareUnsigned(from, e.va() + e.size()) < 0) {
                        expected.add(e);
                    }
                }
                assertEquals(expected, shard.entriesMeeting(kind, vmid, asid, from, from + bytes),
                        policy + " " + kind + " [0x" + Long.toHexString(from) + ", +0x" + Long.toHexString(bytes) + ")");
                if (bytes <= 3 * 4096) {
                    indexed++;
                }
            }
            assertTrue(indexed > 500, "most questions are over a few pages, the index's case");
            assertEquals(List.of(), shard.entriesMeeting(IotlbEntry.Kind.STAGE1, 0, 1, 0x5000, 0x5000), "empty range");
        }
    }
}
