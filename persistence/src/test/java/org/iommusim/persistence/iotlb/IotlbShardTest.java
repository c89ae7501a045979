package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.iotlb.Entries.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;

class IotlbShardTest {

    @Test
    void aLookupFindsOnlyEntriesOfItsStreamKindAndTags() {
        IotlbShard shard = filled(s1(0, 1, 0x1000), nested(1, 1, 0x2000), s2(1, 0x3000));
        assertTrue(shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x1FFF).isPresent());
        assertTrue(shard.lookup(0, 2, IotlbEntry.Kind.STAGE1, 0x1000).isEmpty(), "other ASID");
        assertTrue(shard.lookup(0, 1, IotlbEntry.Kind.NESTED, 0x1000).isEmpty(), "a nested stream does not hit a stage-1 entry");
        assertTrue(shard.lookup(1, 1, IotlbEntry.Kind.NESTED, 0x2800).isPresent());
        assertTrue(shard.lookup(1, 1, IotlbEntry.Kind.STAGE1, 0x2800).isEmpty());
        assertTrue(shard.lookup(1, IotlbEntry.NO_ASID, IotlbEntry.Kind.STAGE2, 0x3000).isPresent());
        assertTrue(shard.lookup(2, IotlbEntry.NO_ASID, IotlbEntry.Kind.STAGE2, 0x3000).isEmpty(), "other VMID");
        assertEquals(3, shard.stats().hits());
        assertEquals(4, shard.stats().misses());
    }

    @Test
    void stage2LookupsUseNoAsidAndOtherLookupsAnAsid() {
        IotlbShard shard = filled();
        assertThrows(IllegalArgumentException.class, () -> shard.lookup(1, 0, IotlbEntry.Kind.STAGE2, 0));
        assertThrows(IllegalArgumentException.class, () -> shard.lookup(1, IotlbEntry.NO_ASID, IotlbEntry.Kind.STAGE1, 0));
    }

    @Test
    void aBlockEntryTranslatesEveryAddressInsideIt() {
        IotlbShard shard = filled(s1Block(0, 1, 0x4020_0000L));
        for (long off : new long[] {0, 0x123, 0x1000, 0x1F_FFFF}) {
            assertEquals(0x4020_0000L + G1 + off,
                    shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x4020_0000L + off).orElseThrow().translate(0x4020_0000L + off));
        }
        assertTrue(shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x4040_0000L).isEmpty());
        assertTrue(shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x401F_FFFFL).isEmpty());
    }

    @Test
    void whereTwoSizesCoverAnAddressTheSmallerEntryAnswers() {
        IotlbEntry page = s1(0, 1, 0x20_5000);
        IotlbEntry block = s1Block(0, 1, 0x20_0000);
        IotlbShard shard = filled(block, page);
        assertEquals(page, shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x20_5010).orElseThrow());
        assertEquals(block, shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x20_6000).orElseThrow());
    }

    @Test
    void peekNeitherCountsNorReorders() {
        IotlbShard shard = filled(s1(0, 1, 0x1000), s1(0, 1, 0x2000));
        List<IotlbEntry> before = shard.entries();
        assertTrue(shard.peek(0, 1, IotlbEntry.Kind.STAGE1, 0x1000).isPresent());
        assertEquals(before, shard.entries());
        assertEquals(0, shard.stats().hits() + shard.stats().misses());
    }

    @Test
    void decisionsChangeNothingUntilApplied() {
        IotlbShard shard = shard(1, IotlbPolicy.RANDOM);
        shard.fill(s1(0, 1, 0x1000));
        IotlbSnapshot before = shard.snapshot();
        shard.decideFill(s1(0, 1, 0x2000));
        shard.decideInvalidate(new TlbiNhAsid(0, 1));
        shard.decideFlush();
        assertEquals(before, shard.snapshot());
    }

    @Test
    void statisticsCountFillsEvictionsAndInvalidationsByOpcode() {
        IotlbShard shard = shard(2, IotlbPolicy.FIFO);
        shard.fill(s1(0, 1, 0x1000));
        shard.fill(s1(0, 1, 0x2000));
        shard.fill(s1(0, 1, 0x3000));
        shard.invalidate(TlbiNhVa.of(0, 1, 0x3000, true));
        shard.invalidate(new TlbiNhAsid(0, 1));
        shard.invalidate(new TlbiNhAsid(0, 1));
        IotlbStats s = shard.stats();
        assertEquals(3, s.fills());
        assertEquals(1, s.evictions());
        assertEquals(1, s.invalidations(CommandOpcode.TLBI_NH_VA));
        assertEquals(2, s.invalidations(CommandOpcode.TLBI_NH_ASID));
        assertEquals(0, s.invalidations(CommandOpcode.TLBI_NSNH_ALL));
        assertEquals(2, s.entriesRemoved());
    }

    @Test
    void restoreGivesBackTheSameShardAndItCarriesOnIdentically() {
        IotlbShard live = IotlbShard.empty(new IotlbConfig(6, IotlbPolicy.RANDOM, 9));
        for (int i = 0; i < 20; i++) {
            live.fill(s1(0, 1, (long) i << 12));
        }
        live.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x13000);
        IotlbShard restored = IotlbShard.restore(live.snapshot());
        assertEquals(live.snapshot(), restored.snapshot());
        for (int i = 20; i < 40; i++) {
            assertEquals(live.fill(s1(0, 1, (long) i << 12)), restored.fill(s1(0, 1, (long) i << 12)));
        }
        assertEquals(live.snapshot(), restored.snapshot());
    }

    @Test
    void theIndexSurvivesManyInsertionsAndRemovals() {
        // Exercises growth and backward-shift deletion against a HashMap.
        IotlbShard shard = shard(3000, IotlbPolicy.LRU);
        Map<Long, IotlbEntry> expected = new HashMap<>();
        Random random = new Random(5);
        for (int i = 0; i < 20000; i++) {
            long va = (long) random.nextInt(4096) << 12;
            if (random.nextInt(3) == 0) {
                shard.invalidate(TlbiNhVa.of(0, 1, va, true));
                expected.remove(va);
            } else {
                IotlbEntry e = s1(0, 1, va);
                shard.fill(e);
                expected.put(va, e);
                if (expected.size() > 3000) {
                    fail("test stays below capacity");
                }
            }
        }
        assertEquals(expected.size(), shard.size());
        for (long page = 0; page < 4096; page++) {
            assertEquals(expected.get(page << 12), shard.peek(0, 1, IotlbEntry.Kind.STAGE1, page << 12).orElse(null));
        }
    }

    @Test
    void entriesRefuseWrongTagsSizesAndAlignment() {
        assertThrows(IllegalArgumentException.class,
                () -> new IotlbEntry(IotlbEntry.Kind.STAGE2, 0, 1, 0, K4, Granule.G4K, 3, 0, RW));
        assertThrows(IllegalArgumentException.class,
                () -> new IotlbEntry(IotlbEntry.Kind.STAGE1, 0, IotlbEntry.NO_ASID, 0, K4, Granule.G4K, 3, 0, RW));
        assertThrows(IllegalArgumentException.class, () -> IotlbEntry.stage1(0x10000, 0, 0, Granule.G4K, 3, 0, RW));
        assertThrows(IllegalArgumentException.class, () -> IotlbEntry.stage1(0, 0, 0x1000, Granule.G4K, 2, 0, RW));
        assertThrows(IllegalArgumentException.class, () -> IotlbEntry.stage1(0, 0, 0, Granule.G4K, 3, 0x800, RW));
        assertThrows(IllegalArgumentException.class, () -> IotlbEntry.stage1(0, 0, 0, Granule.G16K, 1, 0, RW),
                "a 16K granule has no level-1 leaves");
        assertThrows(IllegalArgumentException.class,
                () -> new IotlbEntry(IotlbEntry.Kind.STAGE1, 0, 0, 0, K4, Granule.G4K, 2, 0, RW),
                "a stage-1 entry has its level's size");
        assertThrows(IllegalArgumentException.class, () -> IotlbEntry.nested(0, 0, 0, M2, Granule.G4K, 3, 0, RW),
                "a nested entry is no larger than its stage-1 leaf");
        assertEquals(K4, IotlbEntry.nested(0, 0, 0, K4, Granule.G4K, 1, 0, RW).size());
    }

    @Test
    void eachTbuHasTheWholeConfiguredTlb() {
        SmmuCapabilities plain = SmmuCapabilities.builder().iotlbEntries(10).iotlbPolicy(IotlbPolicy.RANDOM).iotlbSeed(7).build();
        assertEquals(1, plain.tbuCount());
        assertEquals(new IotlbConfig(10, IotlbPolicy.RANDOM, 7), IotlbConfig.ofTbu(plain, 0), "the iotlb-* keys: one TBU");
        SmmuCapabilities two = plain.toBuilder()
                .tbus(List.of(new TbuTlb(64, 4, IotlbPolicy.FIFO, 3, 8, IotlbPolicy.LRU), TbuTlb.fullyAssociative(256,
                        IotlbPolicy.FLUSH_ALL_WHEN_FULL, 1)))
                .streamTbus(java.util.Map.of(5, 1)).build();
        assertEquals(2, two.tbuCount());
        assertEquals(new IotlbConfig(64, 4, IotlbPolicy.FIFO, 3, 8, IotlbPolicy.LRU), IotlbConfig.ofTbu(two, 0));
        assertEquals(16, IotlbConfig.ofTbu(two, 0).sets());
        assertEquals(256, IotlbConfig.ofTbu(two, 1).capacity());
        assertEquals(1, two.tbuOf(5));
        assertEquals(0, two.tbuOf(6), "a stream not assigned is served by TBU 0");
        assertThrows(IllegalArgumentException.class, () -> plain.toBuilder().streamTbus(java.util.Map.of(1, 1)).build(),
                "TBU 1 of an SMMU with one");
        assertThrows(IllegalArgumentException.class, () -> new TbuTlb(10, 4, IotlbPolicy.LRU, 0, 0, IotlbPolicy.LRU),
                "4 ways do not divide 10 entries");
    }
}
