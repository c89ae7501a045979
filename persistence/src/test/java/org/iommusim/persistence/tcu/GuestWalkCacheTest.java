package org.iommusim.persistence.tcu;

import static org.iommusim.persistence.pagetable.GuestTableImage.AF;
import static org.iommusim.persistence.pagetable.GuestTableImage.AP_UNPRIV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.pagetable.GuestTableImage;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Perms;
import org.junit.jupiter.api.Test;

/**
 * The TCU's stage-1 walk caches over a guest's tables in memory, as a pure rule: a walk resumes below the
 * deepest table descriptor cached for its (VMID, ASID) and input, reading only the levels below, with the
 * APTable/XNTable restrictions inherited from above kept in the entry; the TLBI rules remove the entries as
 * for any walk (LEAF=1 keeps table entries, LEAF=0 and by-ASID remove them); the log rebuilds them.
 */
class GuestWalkCacheTest {
    private static final long TTB0 = 0x2000_0000L;
    private static final long POOL_PA = 0x9100_0000L;
    private static final long IOVA = 0x40_1234_5000L;
    private static final long IPA = 0x1_0000_0000L;
    private static final int VMID = 9;
    private static final int ASID = 5;

    private final PageTable s1 = PageTable.empty(DomainSpec.nested(DomainId.of(2), Granule.G4K, 48, 44, 0));
    private final PageTable s2 = PageTable.empty(DomainSpec.stage2(Granule.G4K, 44, 48, VMID))
            .map(TTB0, POOL_PA, 0x4000, Prot.of(Prot.READ)).table();
    private final GuestTableImage mem = new GuestTableImage(TTB0, POOL_PA);
    private final Tcu tcu = new Tcu(TcuCaches.defaults());
    private final List<TcuEvent> log = new ArrayList<>();
    private final WalkTally tally = new WalkTally();

    GuestWalkCacheTest() {
        tcu.recordInto(log, () -> {});
    }

    private MemoryTableWalk.Result walk(long iova) {
        return tcu.guestWalk(VMID, ASID, s1, s2, TTB0, iova, false, false, mem, tally);
    }

    private static WalkResult.Leaf leaf(MemoryTableWalk.Result r) {
        return assertInstanceOf(WalkResult.Leaf.class, assertInstanceOf(MemoryTableWalk.Walked.class, r).stage1());
    }

    @Test
    void aWalkResumesBelowTheCachedTableDescriptorsAndKeepsTheirRestrictions() throws Exception {
        mem.page(IOVA, IPA, AF | AP_UNPRIV);
        mem.page(IOVA + 0x1000, IPA + 0x1000, AF | AP_UNPRIV);
        long l1 = mem.descriptorPa(IOVA, 1);
        mem.put(l1, mem.get(l1) | 1L << 62); // APTable[1]: everything below is read-only
        MemoryTableWalk.Result first = walk(IOVA);
        assertEquals(4, first.reads().size());
        assertEquals(-1, tally.guestWalkCacheHit);
        assertEquals(new Perms(true, false, true, true), leaf(first).perms());
        // the next page of the same level-3 table: only its level-3 descriptor is read, still read-only
        MemoryTableWalk.Result second = walk(IOVA + 0x1000);
        assertEquals(2, tally.guestWalkCacheHit);
        assertEquals(1, second.reads().size());
        assertEquals(3, second.reads().get(0).level());
        assertEquals(IPA + 0x1000, leaf(second).outputAddress());
        assertEquals(new Perms(true, false, true, true), leaf(second).perms(), "APTable inherited through the cache");
        for (int level = 0; level <= 2; level++) {
            assertTrue(tcu.walkEntries(1, level).stream().allMatch(WalkEntry::guestTable), "level " + level);
            assertEquals(1, tcu.walkEntries(1, level).size());
        }
        assertTrue(tcu.walkEntries(1, 3).isEmpty(), "leaves are the TLB's");
        // the log rebuilds the entries through the journal's codec
        Tcu replayed = new Tcu(TcuCaches.defaults());
        for (TcuEvent e : log) {
            replayed.apply(e instanceof TcuEvent.WalkFilled f ? BoundedConfigCacheTest.roundTrip(TcuCodecs.WALK_FILLED, f)
                    : e);
        }
        for (int level = 0; level <= 2; level++) {
            assertEquals(tcu.walkEntries(1, level), replayed.walkEntries(1, level));
        }
    }

    @Test
    void aModelTableWalkAndAGuestWalkOfTheSameTagsNeverFollowEachOthersEntries() {
        mem.page(IOVA, IPA, AF);
        assertEquals(IPA, leaf(walk(IOVA)).outputAddress());
        // a model table under the same (VMID, ASID) mapping IOVA elsewhere: the guest walk's table entries name
        // tables in guest memory, which this walk cannot follow, so it misses them and reads its own table
        PageTable model = s1.map(IOVA, IPA + 0x5000, 0x1000, Prot.of(Prot.READ)).table();
        WalkTally t = new WalkTally();
        WalkResult.Leaf m = assertInstanceOf(WalkResult.Leaf.class, tcu.walk(1, VMID, ASID, model, IOVA, t));
        assertEquals(IPA + 0x5000, m.outputAddress());
        assertEquals(4, t.reads, "every level read: no guest entry was taken as a hit");
        assertTrue(tcu.freedTableReads().isEmpty());
        // and the guest walk still resumes below its own entry, past the model walk's entries of the same tags
        MemoryTableWalk.Result again = walk(IOVA);
        assertEquals(2, tally.guestWalkCacheHit);
        assertEquals(IPA, leaf(again).outputAddress());
        WalkTally t2 = new WalkTally();
        assertEquals(IPA + 0x5000, assertInstanceOf(WalkResult.Leaf.class,
                tcu.walk(1, VMID, ASID, model, IOVA, t2)).outputAddress(), "the model walk's own leaf entry");
    }

    @Test
    void aChangedIntermediateTableIsSeenOnlyOnceATlbiRemovesTheTableEntries() {
        mem.page(IOVA, IPA, AF);
        assertEquals(IPA, leaf(walk(IOVA)).outputAddress());
        // the guest points the level-2 descriptor at another level-3 table: pool page 2 (the level-2 table
        // itself, whose entry at IOVA's level-3 index is free), mapping IOVA elsewhere
        long l2 = mem.descriptorPa(IOVA, 2);
        mem.put(l2, (TTB0 + 0x2000) | 3);
        mem.put(POOL_PA + 0x2000 + 8L * ((IOVA >>> 12) & 0x1FF), (IPA + 0x7000) | 3 | AF);
        tcu.invalidate(TlbiNhVa.of(VMID, ASID, IOVA, true));
        assertEquals(IPA, leaf(walk(IOVA)).outputAddress(), "LEAF=1 left the table entries: the old level-3 table");
        tcu.invalidate(TlbiNhVa.of(VMID, ASID + 1, IOVA, false));
        assertEquals(IPA, leaf(walk(IOVA)).outputAddress(), "another ASID's TLBI removes nothing of this one");
        tcu.invalidate(TlbiNhVa.of(VMID, ASID, IOVA, false));
        MemoryTableWalk.Result again = walk(IOVA);
        assertEquals(IPA + 0x7000, leaf(again).outputAddress(), "LEAF=0 removed them: the new table");
        assertEquals(4, again.reads().size());
        mem.put(l2, (TTB0 + 0x3000) | 3);
        assertEquals(IPA + 0x7000, leaf(walk(IOVA)).outputAddress(), "cached again, stale again");
        tcu.invalidate(new TlbiNhAsid(VMID, ASID));
        assertEquals(IPA, leaf(walk(IOVA)).outputAddress(), "TLBI_NH_ASID removes every level");
    }
}
