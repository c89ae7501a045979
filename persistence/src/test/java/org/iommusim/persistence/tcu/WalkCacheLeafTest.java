package org.iommusim.persistence.tcu;

import static org.iommusim.persistence.tcu.TcuFixture.NESTED;
import static org.iommusim.persistence.tcu.TcuFixture.S1;
import static org.iommusim.persistence.tcu.TcuFixture.S2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.junit.jupiter.api.Test;

/**
 * Reference section 8: a TLBI with LEAF=1 need only remove leaf entries, so a
 * table freed after a leaf-only invalidation leaves a walk-cache entry that
 * points at freed memory; LEAF=0 removes it.
 */
class WalkCacheLeafTest {
    private static final long IOVA = 0x4000_0000L;
    /** In the same level-2 table as IOVA, in another level-3 table: keeps the level-2 table alive. */
    private static final long NEIGHBOUR = IOVA + 0x20_0000L;
    private static final long PA = 0x8_0000_0000L;
    private static final long NEW_PA = 0x9_0000_0000L;

    private final TcuFixture f = new TcuFixture();

    /**
     * Maps IOVA and its neighbour, translates IOVA (filling every level), then unmaps IOVA's whole 2M range:
     * its level-3 table is freed (a smaller unmap leaves the emptied table in place, as Linux does).
     */
    private void fillThenFreeLevel3Table() {
        f.map(S1, TcuFixture.s1Spec(), IOVA, PA, 0x1000);
        f.map(S1, TcuFixture.s1Spec(), NEIGHBOUR, PA + 0x20_0000L, 0x1000);
        assertEquals(PA, ((Translated) f.translate(TcuFixture.S1_SID, IOVA).result()).outputAddress());
        f.unmap(S1, IOVA, 0x20_0000L);
    }

    private static TlbiNhVa nhVa(long va, boolean leaf) {
        return new TlbiNhVa(0, TcuFixture.ASID, va, leaf, TlbiRange.NONE);
    }

    @Test
    void aWalkFillsOneEntryPerLevelAndTheNextMissSkipsTheLevelsAbove() {
        f.map(S1, TcuFixture.s1Spec(), IOVA, PA, 0x1000);
        f.map(S1, TcuFixture.s1Spec(), NEIGHBOUR, PA + 0x20_0000L, 0x1000);
        Outcome first = f.translate(TcuFixture.S1_SID, IOVA);
        assertEquals(4, first.walkSteps(), "a cold walk reads levels 0 to 3");
        for (int level = 0; level < 4; level++) {
            assertEquals(1, f.tcu.walkEntries(1, level).size(), "level " + level);
            assertEquals(level == 3, f.tcu.walkEntries(1, level).get(0).leaf());
        }
        // the neighbour (another level-2 descriptor of the same level-2 table) misses in the IOTLB, at level 3
        // and at level 2, and hits the level-1 entry that points at that level-2 table
        Outcome second = f.translate(TcuFixture.S1_SID, NEIGHBOUR);
        assertEquals(2, second.walkSteps(), "only the level-2 and level-3 descriptors are read");
        assertEquals(PA + 0x20_0000L, ((Translated) second.result()).outputAddress());
        CacheStats l2 = f.stats("walk-s1-l2");
        assertEquals(2, l2.lookups());
        assertEquals(0, l2.hits());
        assertEquals(2, l2.misses());
        assertEquals(2, l2.fills());
        CacheStats l1 = f.stats("walk-s1-l1");
        assertEquals(1, l1.hits());
        assertEquals(1, l1.fills());
        assertEquals(2, f.stats("walk-s1-l3").fills());
        assertEquals(1, f.stats("walk-s1-l0").lookups(), "the deepest hit ends the lookups");

        // a third page in IOVA's level-3 table hits the level-2 entry: one read
        f.map(S1, TcuFixture.s1Spec(), IOVA + 0x1000, PA + 0x1000, 0x1000);
        assertEquals(1, f.translate(TcuFixture.S1_SID, IOVA + 0x1000).walkSteps());
        assertEquals(1, f.stats("walk-s1-l2").hits());
    }

    @Test
    void leafOneAfterFreeingATableLeavesTheTableEntryAndTheWalkerReadsFreedMemory() {
        fillThenFreeLevel3Table();
        long freedTable = f.tcu.walkEntries(1, 2).get(0).value();
        int removed = f.invalidate(nhVa(IOVA, true));
        assertEquals(1, removed, "only the level-3 leaf entry");
        assertEquals(1, f.tcu.walkEntries(1, 2).size(), "the level-2 entry pointing at the freed table stays");
        assertTrue(f.tcu.walkEntries(1, 3).isEmpty());

        // software maps IOVA again: a new level-3 table page, a new identity
        f.map(S1, TcuFixture.s1Spec(), IOVA, NEW_PA, 0x1000);
        Outcome o = f.translate(TcuFixture.S1_SID, IOVA);
        FTranslation fault = assertInstanceOf(FTranslation.class, assertInstanceOf(Faulted.class, o.result()).event());
        assertEquals(IOVA, fault.iova());
        assertEquals(List.of(new FreedTableRead(1, 3, 0, TcuFixture.ASID, IOVA, freedTable)),
                f.tcu.freedTableReads());
        assertEquals(1, f.stats("walk-s1-l2").freedTableReads());
    }

    @Test
    void leafZeroRemovesTheTableEntriesAndTheNewTableIsWalked() {
        fillThenFreeLevel3Table();
        int removed = f.invalidate(nhVa(IOVA, false));
        assertEquals(4, removed, "the leaf and the three table entries above it");
        for (int level = 0; level < 4; level++) {
            assertTrue(f.tcu.walkEntries(1, level).isEmpty(), "level " + level);
        }
        f.map(S1, TcuFixture.s1Spec(), IOVA, NEW_PA, 0x1000);
        assertEquals(NEW_PA, ((Translated) f.translate(TcuFixture.S1_SID, IOVA).result()).outputAddress());
        assertTrue(f.tcu.freedTableReads().isEmpty());
        assertEquals(4, f.stats("walk-s1-l3").invalidations() + f.stats("walk-s1-l2").invalidations()
                + f.stats("walk-s1-l1").invalidations() + f.stats("walk-s1-l0").invalidations());
    }

    @Test
    void aLeafEntryInTheWalkCacheAnswersAfterTheIotlbForgotTheTranslation() {
        f.map(S1, TcuFixture.s1Spec(), IOVA, PA, 0x1000);
        f.translate(TcuFixture.S1_SID, IOVA);
        f.shard = org.iommusim.persistence.iotlb.IotlbShard.empty(f.shard.config());
        Outcome o = f.translate(TcuFixture.S1_SID, IOVA);
        assertEquals(0, o.walkSteps(), "the level-3 walk-cache entry answers without a read");
        assertEquals(PA, ((Translated) o.result()).outputAddress());
    }

    @Test
    void anAsidOrVmidWideInvalidationRemovesEveryLevel() {
        f.map(S1, TcuFixture.s1Spec(), IOVA, PA, 0x1000);
        f.translate(TcuFixture.S1_SID, IOVA);
        assertEquals(4, f.invalidate(new TlbiNhAll(0)));
        assertEquals(0, f.invalidate(new TlbiNhAll(0)));
    }

    /**
     * A nested walk fills the stage-1 caches, the stage-2 caches and the IPA
     * cache; TLBI_S2_IPA with LEAF=1 removes the stage-2 leaf and the IPA-cache
     * entry, keeps the stage-2 table entries and every stage-1 entry, and (as
     * the reference's table says) not the combined TLB entry.
     */
    @Test
    void aStage2LeafIpaInvalidationOnANestedWalk() {
        TcuFixture n = new TcuFixture(TcuFixture.withIpaCache());
        long ipa = 0x1_0000_0000L;
        n.map(S2, TcuFixture.s2Spec(), ipa, PA, 0x1000);
        // a neighbour in the same stage-2 level-3 table keeps that table in place
        n.map(S2, TcuFixture.s2Spec(), ipa + 0x1000, PA + 0x1000, 0x1000);
        n.map(NESTED, TcuFixture.nestedSpec(), IOVA, ipa, 0x1000);
        assertEquals(PA, ((Translated) n.translate(TcuFixture.NESTED_SID, IOVA).result()).outputAddress());
        for (int level = 0; level < 4; level++) {
            assertEquals(1, n.tcu.walkEntries(1, level).size(), "stage 1 level " + level);
            assertEquals(1, n.tcu.walkEntries(2, level).size(), "stage 2 level " + level);
        }
        assertEquals(1, n.tcu.ipaEntries().size());

        // the hypervisor moves the IPA page, invalidating by IPA with LEAF=1 only
        n.unmap(S2, ipa, 0x1000);
        n.map(S2, TcuFixture.s2Spec(), ipa, NEW_PA, 0x1000);
        int removed = n.invalidate(new TlbiS2Ipa(TcuFixture.VMID, ipa, true, TlbiRange.NONE));
        assertEquals(2, removed, "the stage-2 level-3 leaf and the IPA-cache entry");
        assertTrue(n.tcu.walkEntries(2, 3).isEmpty());
        assertTrue(n.tcu.ipaEntries().isEmpty());
        for (int level = 0; level < 3; level++) {
            assertEquals(1, n.tcu.walkEntries(2, level).size(), "stage-2 table entry at level " + level + " stays");
        }
        assertEquals(4, n.tcu.walkEntries(1, 0).size() + n.tcu.walkEntries(1, 1).size()
                + n.tcu.walkEntries(1, 2).size() + n.tcu.walkEntries(1, 3).size(), "stage 1 is untouched");
        // the combined entry survives TLBI_S2_IPA: the old PA is still used
        assertEquals(PA, ((Translated) n.translate(TcuFixture.NESTED_SID, IOVA).result()).outputAddress());

        // once stage 1 is invalidated too, the walk reuses the kept stage-2 level-2 entry (the level-3 table
        // was not freed: its neighbour keeps it) and finds the new page
        n.invalidate(new TlbiNhAll(TcuFixture.VMID));
        Outcome o = n.translate(TcuFixture.NESTED_SID, IOVA);
        assertEquals(NEW_PA, ((Translated) o.result()).outputAddress());
        assertEquals(1, n.stats("walk-s2-l2").hits());
        assertFalse(n.tcu.ipaEntries().isEmpty(), "refilled");
    }
}
