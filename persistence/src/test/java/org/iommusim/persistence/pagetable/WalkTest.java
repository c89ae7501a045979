package org.iommusim.persistence.pagetable;

import static org.junit.jupiter.api.Assertions.*;

import org.iommusim.persistence.pagetable.WalkResult.WalkFault;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;

class WalkTest {
    private static final long M2 = 1L << 21;

    @Test
    void leafGivesTheOutputOfTheWalkedAddressItself() {
        PageTable t = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1)).map(4 * M2, 6 * M2, M2, Prot.rw()).table();
        WalkResult.Leaf leaf = (WalkResult.Leaf) t.walk(4 * M2 + 0x1234);
        assertEquals(6 * M2 + 0x1234, leaf.outputAddress());
        assertEquals(4 * M2, leaf.leafBase());
        assertEquals(M2, leaf.size());
        assertEquals(2, leaf.level());
    }

    @Test
    void missingEntryFaultsAtTheLevelWhereTheWalkFoundNothing() {
        PageTable t = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1)).map(0x1000, 0, 0x1000, Prot.rw()).table();
        assertEquals(WalkFault.of(WalkFault.Kind.TRANSLATION, 0), t.walk(1L << 40));
        assertEquals(WalkFault.of(WalkFault.Kind.TRANSLATION, 1), t.walk(1L << 31));
        assertEquals(WalkFault.of(WalkFault.Kind.TRANSLATION, 2), t.walk(1L << 22));
        assertEquals(WalkFault.of(WalkFault.Kind.TRANSLATION, 3), t.walk(0x2000));
        assertEquals(WalkFault.of(WalkFault.Kind.TRANSLATION, 0),
                PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1)).walk(0));
    }

    /**
     * Arm IHI 0070, 3.4 "Address sizes": an input outside the range CD.T0SZ configures is a stage-1
     * Translation fault, and an IPA outside the range STE.S2T0SZ configures a stage-2 Translation fault.
     */
    @Test
    void beyondTheTxSzRangeIsATranslationFaultAtEitherStage() {
        PageTable s1 = PageTable.empty(DomainSpec.stage1(Granule.G4K, 39, 48, 1));
        PageTable s2 = PageTable.empty(DomainSpec.stage2(Granule.G4K, 39, 48, 1));
        assertEquals(1, s1.startLevel());
        assertEquals(new WalkFault(WalkFault.Kind.TRANSLATION, 1), s1.walk(1L << 39));
        assertEquals(new WalkFault(WalkFault.Kind.TRANSLATION, 1), s2.walk(1L << 39));
        assertEquals(new WalkFault(WalkFault.Kind.TRANSLATION, 1), s2.walk(-1L));
    }

    @Test
    void nestedDomainsUseTheStage1Format() {
        DomainSpec nested = DomainSpec.nested(org.iommusim.protocol.domain.DomainId.of(1), Granule.G4K, 48, 48, 5);
        PageTable t = PageTable.empty(nested).map(0, 0, 0x1000, Prot.of(Prot.WRITE)).table();
        assertEquals("rwxu", ((WalkResult.Leaf) t.walk(0)).perms().compact());
    }

    @Test
    void fiftyTwoBitOutputAddressesRoundTripInEveryGranule() {
        for (Granule g : Granule.values()) {
            long pa = (1L << 52) - 2 * (1L << 29);
            PageTable t = PageTable.empty(DomainSpec.stage2(g, 48, 52, 1)).map(1L << 30, pa, 1L << 29, Prot.rw()).table();
            assertEquals(pa + 0x40, ((WalkResult.Leaf) t.walk((1L << 30) + 0x40)).outputAddress(), g.label());
            assertEquals(pa, t.leaves().get(0).outputAddress());
        }
    }

    @Test
    void fourKGranuleAbove48BitsStartsAtLevelMinusOne() {
        PageTable t = PageTable.empty(DomainSpec.stage1(Granule.G4K, 52, 52, 1));
        assertEquals(-1, t.startLevel());
        assertEquals(WalkFault.of(WalkFault.Kind.TRANSLATION, -1), t.walk((1L << 52) - 1));
        t = t.map((1L << 52) - 0x1000, 0x5000, 0x1000, Prot.rw()).table();
        assertEquals(0x5FFFL, ((WalkResult.Leaf) t.walk((1L << 52) - 1)).outputAddress());
    }

    @Test
    void sixteenAndSixtyFourKTablesStartWhereTheArchitectureSays() {
        assertEquals(0, PageTable.empty(DomainSpec.stage2(Granule.G16K, 48, 48, 1)).startLevel());
        assertEquals(1, PageTable.empty(DomainSpec.stage2(Granule.G16K, 47, 48, 1)).startLevel());
        assertEquals(1, PageTable.empty(DomainSpec.stage2(Granule.G64K, 48, 48, 1)).startLevel());
        assertEquals(2, PageTable.empty(DomainSpec.stage2(Granule.G64K, 42, 48, 1)).startLevel());
    }

    /** Arm IHI 0070, 3.13.2: an AF=0 leaf is an Access fault at its level, unless HTTU updates AF. */
    @Test
    void anOldLeafIsAnAccessFaultUnlessTheHardwareSetsAf() {
        PageTable t = PageTable.empty(DomainSpec.stage2(Granule.G4K, 40, 48, 1))
                .map(0x1000, 0x9000, 0x1000, Prot.of(Prot.READ | Prot.OLD)).table().map(M2, 2 * M2, M2, Prot.rw()).table();
        assertEquals(WalkFault.of(WalkFault.Kind.ACCESS, 3), t.walk(0x1008));
        assertEquals(0x9008, ((WalkResult.Leaf) t.walk(0x1008, true)).outputAddress());
        assertInstanceOf(WalkResult.Leaf.class, t.walk(M2), "a young leaf walks as before");
        assertEquals(WalkFault.of(WalkFault.Kind.TRANSLATION, 3), t.walk(0x3000, true));
    }
}
