package org.iommusim.persistence.pagetable;

import static org.iommusim.persistence.pagetable.GuestTableImage.AF;
import static org.iommusim.persistence.pagetable.GuestTableImage.AP_RDONLY;
import static org.iommusim.persistence.pagetable.GuestTableImage.AP_UNPRIV;
import static org.iommusim.persistence.pagetable.GuestTableImage.VALID_TABLE;
import static org.iommusim.persistence.pagetable.GuestTableImage.XN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Perms;
import org.junit.jupiter.api.Test;

/** Decoding a guest's VMSAv8-64 stage-1 descriptors read from memory, each table IPA through stage 2. */
class MemoryTableWalkTest {
    private static final DomainId S2 = DomainId.of(2);
    private static final long TTB0 = 0x2000_0000L;
    private static final long POOL_PA = 0x9100_0000L;
    private static final long IOVA = 0x40_1234_5000L;
    private static final long IPA = 0x1_0000_0000L;

    private final PageTable s1 = PageTable.empty(DomainSpec.nested(S2, Granule.G4K, 48, 44, 5));
    private PageTable s2 = PageTable.empty(DomainSpec.stage2(Granule.G4K, 44, 48, 9))
            .map(TTB0, POOL_PA, 0x3000, Prot.of(Prot.READ)).table()
            .map(TTB0 + 0x3000, POOL_PA + 0x3000, 0x1000, Prot.of(Prot.READ)).table();
    private final GuestTableImage mem = new GuestTableImage(TTB0, POOL_PA);

    private MemoryTableWalk.Result walk(long iova) {
        return MemoryTableWalk.walk(s1, s2, TTB0, iova, false, false, mem);
    }

    private static WalkResult.Leaf leaf(MemoryTableWalk.Result r) {
        return assertInstanceOf(WalkResult.Leaf.class, assertInstanceOf(MemoryTableWalk.Walked.class, r).stage1());
    }

    private static WalkResult.WalkFault fault(MemoryTableWalk.Result r) {
        return assertInstanceOf(WalkResult.WalkFault.class, assertInstanceOf(MemoryTableWalk.Walked.class, r).stage1());
    }

    @Test
    void aPageDescriptorGivesItsIpaAndPermissionsAfterFourReadsAtStage2Outputs() {
        mem.page(IOVA, IPA, AF | AP_RDONLY | AP_UNPRIV | XN);
        MemoryTableWalk.Result r = walk(IOVA + 0x18);
        WalkResult.Leaf l = leaf(r);
        assertEquals(IPA + 0x18, l.outputAddress());
        assertEquals(3, l.level());
        assertEquals(0x1000, l.size());
        assertEquals(IOVA, l.leafBase());
        assertEquals(new Perms(true, false, false, true), l.perms());
        assertEquals(4, r.reads().size());
        for (int level = 0; level <= 3; level++) {
            MemoryTableWalk.Read read = r.reads().get(level);
            assertEquals(level, read.level());
            assertEquals(mem.descriptorIpa(IOVA, level), read.ipa());
            assertEquals(mem.descriptorPa(IOVA, level), read.pa(), "read at stage 2's output");
            assertEquals(mem.get(read.pa()), read.descriptor());
        }
    }

    @Test
    void aWritableprivilegedPageIsReadWriteExecutableAndPrivilegedOnly() {
        mem.page(IOVA, IPA, AF);
        assertEquals(new Perms(true, true, true, false), leaf(walk(IOVA)).perms());
    }

    @Test
    void aLevel2BlockMaps2MAndKeepsTheOffset() {
        long block = IOVA & -(1L << 21);
        mem.tablesTo(IOVA, 2);
        mem.put(mem.descriptorPa(IOVA, 2), 0x4_0020_0000L | 0b01 | AF);
        WalkResult.Leaf l = leaf(walk(IOVA + 0x18));
        assertEquals(2, l.level());
        assertEquals(1L << 21, l.size());
        assertEquals(block, l.leafBase());
        assertEquals(0x4_0020_0000L + (IOVA + 0x18 - block), l.outputAddress());
    }

    @Test
    void aBlockAtLevel0AndABlockEncodingAtLevel3AreTranslationFaults() {
        mem.put(mem.descriptorPa(IOVA, 0), 0x0 | 0b01 | AF);
        assertEquals(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, 0), fault(walk(IOVA)));
        mem.tablesTo(IOVA, 3);
        mem.put(mem.descriptorPa(IOVA, 3), IPA | 0b01 | AF);
        assertEquals(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, 3), fault(walk(IOVA)));
    }

    @Test
    void anInvalidDescriptorFaultsAtItsLevelAfterTheReadsAboveIt() {
        mem.tablesTo(IOVA, 2); // level 2 holds nothing
        MemoryTableWalk.Result r = walk(IOVA);
        assertEquals(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, 2), fault(r));
        assertEquals(3, r.reads().size());
    }

    @Test
    void anAfClearLeafIsAnAccessFaultUnlessTheSmmuUpdatesAf() {
        mem.page(IOVA, IPA, 0);
        assertEquals(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.ACCESS, 3), fault(walk(IOVA)));
        WalkResult.Leaf l = leaf(MemoryTableWalk.walk(s1, s2, TTB0, IOVA, true, false, mem));
        assertEquals(IPA, l.outputAddress());
    }

    @Test
    void tableAttributesRestrictWhatLiesBelow() {
        mem.page(IOVA, IPA, AF | AP_UNPRIV);
        long l1 = mem.descriptorPa(IOVA, 1);
        mem.put(l1, mem.get(l1) | 1L << 62 | 1L << 61 | 1L << 60); // APTable = 0b11, UXNTable
        assertEquals(new Perms(true, false, false, false), leaf(walk(IOVA)).perms());
    }

    @Test
    void aTableIpaStage2DoesNotMapOrMapsWithoutReadIsAFetchFaultNamingTheIpa() {
        s2 = s2.unmap(TTB0 + 0x3000, 0x1000).table();
        mem.page(IOVA, IPA, AF);
        MemoryTableWalk.FetchFault f = assertInstanceOf(MemoryTableWalk.FetchFault.class, walk(IOVA));
        assertEquals(3, f.level());
        assertEquals(mem.descriptorIpa(IOVA, 3), f.ipa());
        assertEquals(WalkResult.WalkFault.Kind.TRANSLATION, f.fault().kind());
        assertEquals(3, f.reads().size());
        s2 = s2.map(TTB0 + 0x3000, POOL_PA + 0x3000, 0x1000, Prot.of(Prot.WRITE)).table();
        MemoryTableWalk.FetchFault p = assertInstanceOf(MemoryTableWalk.FetchFault.class, walk(IOVA));
        assertNull(p.fault(), "mapped without read permission: a stage-2 permission fault");
    }

    @Test
    void aRefusedReadIsAnExternalAbortAtItsAddress() {
        mem.page(IOVA, IPA, AF);
        mem.refuseFrom(POOL_PA + 0x2000);
        MemoryTableWalk.ExternalAbort a = assertInstanceOf(MemoryTableWalk.ExternalAbort.class, walk(IOVA));
        assertEquals(2, a.level());
        assertEquals(mem.descriptorPa(IOVA, 2), a.pa());
        assertEquals(mem.descriptorIpa(IOVA, 2), a.ipa());
        assertEquals(2, a.reads().size());
    }

    @Test
    void anInputBeyondT0szFaultsBeforeAnyRead() {
        MemoryTableWalk.Result r = walk(1L << 48);
        assertEquals(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, 0), fault(r));
        assertEquals(List.of(), r.reads());
        assertEquals(0, mem.reads());
    }

    @Test
    void aMemoryThatThrowsOtherwiseIsAnExternalAbortToo() {
        mem.page(IOVA, IPA, AF);
        MemoryTableWalk.ExternalAbort a = assertInstanceOf(MemoryTableWalk.ExternalAbort.class,
                MemoryTableWalk.walk(s1, s2, TTB0, IOVA, false, false, address -> {
                    throw new IllegalStateException("the embedder's bug");
                }));
        assertEquals(0, a.level());
        assertEquals(true, a.reason().contains("the embedder's bug"), a.reason());
    }

    /** The walk follows the nested domain's granule: 64K pages, three levels for 48 bits (1 to 3), 512M blocks. */
    @Test
    void a64kGranuleWalksItsOwnLevelsAndIndexes() {
        PageTable s1g = PageTable.empty(DomainSpec.nested(S2, Granule.G64K, 48, 44, 5));
        PageTable s2g = PageTable.empty(DomainSpec.stage2(Granule.G4K, 44, 48, 9))
                .map(TTB0, POOL_PA, 0x30000, Prot.of(Prot.READ)).table();
        GuestTableImage m = new GuestTableImage(TTB0, POOL_PA);
        assertEquals(1, s1g.startLevel());
        long iova = 0x1234_5678_0000L + 0x10000L * 3;
        // level 1 at pool + 0, level 2 at pool + 0x10000, level 3 at pool + 0x20000
        for (int level = 1; level <= 3; level++) {
            long pa = POOL_PA + 0x10000L * (level - 1) + 8L * s1g.descriptorIndex(level, iova);
            m.put(pa, level < 3 ? (TTB0 + 0x10000L * level) | VALID_TABLE : 0x5_0000_0000L | VALID_TABLE | AF);
        }
        MemoryTableWalk.Result r = MemoryTableWalk.walk(s1g, s2g, TTB0, iova + 0x1234, false, false, m);
        WalkResult.Leaf l = leaf(r);
        assertEquals(0x5_0000_1234L, l.outputAddress());
        assertEquals(0x10000, l.size());
        assertEquals(3, r.reads().size());
        assertEquals(TTB0 + 0x20000 + 8L * s1g.descriptorIndex(3, iova), r.reads().get(2).ipa());
        // a 512M block at level 2
        long l2 = POOL_PA + 0x10000 + 8L * s1g.descriptorIndex(2, iova);
        m.put(l2, 0x6_0000_0000L | 0b01 | AF);
        WalkResult.Leaf block = leaf(MemoryTableWalk.walk(s1g, s2g, TTB0, iova, false, false, m));
        assertEquals(2, block.level());
        assertEquals(1L << 29, block.size());
        assertEquals(0x6_0000_0000L + (iova & ((1L << 29) - 1)), block.outputAddress());
    }
}
