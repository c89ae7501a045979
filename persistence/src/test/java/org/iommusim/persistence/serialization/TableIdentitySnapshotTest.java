package org.iommusim.persistence.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.WalkTally;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;

/**
 * A domain snapshot keeps its table pages' identities (manifest D.S.A2), so
 * the TCU's walk-cache entries, which name table pages by identity, still
 * point at the same tables after a restart from the snapshot: the faithful
 * choice (the tables are memory, and memory outlives a restart of the model).
 */
class TableIdentitySnapshotTest {
    private static final long A = 0x4000_0000L;
    private static final long B = A + 0x20_0000L; // another level-3 table under the same level-2 table
    private static final long PA = 0x8_0000_0000L;

    private static PageTable history() {
        PageTable t = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 5));
        t = t.map(A, PA, 0x1000, Prot.rw()).table();
        t = t.map(B, PA + 0x1000, 0x1000, Prot.rw()).table();
        t = t.unmap(A, 0x20_0000L).table(); // A's whole range: its level-3 table is freed ...
        t = t.map(A + 0x1000, PA + 0x2000, 0x1000, Prot.rw()).table(); // ... and a new one allocated
        return t.map(A + 0x40_0000L, PA + 0x3000, 0x1000, Prot.rw()).table().unmap(A + 0x40_0000L, 0x1000).table(); // emptied
    }

    private static DomainState.Active throughTheSnapshotCodec(DomainState.Active a) throws Exception {
        JournalCodecs codecs = JournalCodecs.INSTANCE;
        assertEquals("D.S.A2", codecs.manifestOf(a));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codecs.write(a, new DataOutputStream(bytes));
        return (DomainState.Active) codecs.read("D.S.A2", new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    @Test
    void aSnapshotRestoresEveryTablePageWithItsIdentity() throws Exception {
        PageTable live = history();
        PageTable restored = throughTheSnapshotCodec(new DomainState.Active(live)).pageTable();
        assertEquals(live.leaves(), restored.leaves());
        assertEquals(live.tablePages(), restored.tablePages());
        assertEquals(live.nextTableIdentity(), restored.nextTableIdentity());
        // without the identities (the snapshot before them) the pages are numbered afresh, in address order
        assertNotEquals(live.tablePages(), PageTable.restore(live.spec(), live.leaves()).tablePages());
    }

    @Test
    void aTableEmptiedByASmallerUnmapStaysWithItsIdentityAndOneWhoseRangeIsUnmappedGoes() {
        PageTable t = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 5)).map(A, PA, 0x1000, Prot.rw()).table();
        var pages = t.tablePages();
        PageTable emptied = t.unmap(A, 0x1000).table();
        assertEquals(pages, emptied.tablePages(), "Linux's io-pgtable keeps a table its page unmaps emptied");
        assertEquals(PA + 0x1000, ((WalkResult.Leaf) emptied.map(A, PA + 0x1000, 0x1000, Prot.rw()).table()
                .walk(A)).outputAddress());
        assertEquals(pages, emptied.map(A, PA + 0x1000, 0x1000, Prot.rw()).table().tablePages(), "mapped again in place");
        PageTable freed = t.unmap(A, 0x20_0000L).table();
        assertEquals(pages.subList(0, 2), freed.tablePages(), "an unmap of its whole range frees the level-3 table");
        // a block over an emptied table replaces it
        PageTable block = emptied.map(A, PA + 0x20_0000L, 0x20_0000L, Prot.rw()).table();
        assertEquals(pages.subList(0, 2), block.tablePages());
        assertEquals(PA + 0x20_0000L + 0x1234, ((WalkResult.Leaf) block.walk(A + 0x1234)).outputAddress());
    }

    @Test
    void aWalkCacheEntryFilledBeforeTheSnapshotStillPointsAtItsTableAfterIt() throws Exception {
        PageTable live = history();
        Tcu tcu = new Tcu(TcuCaches.defaults());
        WalkTally tally = new WalkTally();
        assertInstanceOf(WalkResult.Leaf.class, tcu.walk(1, 0, 5, live, B, tally));
        PageTable restored = throughTheSnapshotCodec(new DomainState.Active(live)).pageTable();
        // A + 0x1000: another level-2 descriptor of the level-2 table the level-1 entry names
        tally.reset();
        assertInstanceOf(WalkResult.Leaf.class, tcu.walk(1, 0, 5, restored, A + 0x1000, tally));
        assertFalse(tally.freedTable, "the level-1 walk-cache entry names the level-2 table as restored");
        assertEquals(2, tally.reads, "levels 2 and 3 read, levels 0 and 1 from the walk caches");
        assertTrue(tcu.freedTableReads().isEmpty());
    }
}
