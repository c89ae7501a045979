package org.iommusim.persistence.pagetable;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.domain.UnmapSegment;
import org.junit.jupiter.api.Test;

/** Immutability, event replay, digests and listings. */
class PersistentTableTest {
    private static final DomainSpec SPEC = DomainSpec.stage1(Granule.G4K, 48, 48, 1);

    @Test
    void aViewTakenBeforeAMapDoesNotSeeIt() {
        PageTable view = PageTable.empty(SPEC).map(0x1000, 0x1000, 0x1000, Prot.rw()).table();
        long digest = view.digest();
        PageTable after = view.map(0x2000, 0x2000, 0x1000, Prot.rw()).table();
        assertInstanceOf(WalkResult.WalkFault.class, view.walk(0x2000));
        assertInstanceOf(WalkResult.Leaf.class, after.walk(0x2000));
        assertEquals(1, view.leafCount());
        assertEquals(digest, view.digest());
        assertEquals(1, view.leaves().size());
    }

    @Test
    void aViewTakenBeforeAnUnmapStillTranslates() {
        PageTable view = PageTable.empty(SPEC).map(0x1000, 0x9000, 0x2000, Prot.rw()).table();
        PageTable after = view.unmap(0x1000, 0x2000).table();
        assertEquals(0x9000, ((WalkResult.Leaf) view.walk(0x1000)).outputAddress());
        assertInstanceOf(WalkResult.WalkFault.class, after.walk(0x1000));
        assertEquals(0, after.leafCount());
        assertEquals(0, after.digest());
    }

    @Test
    void replayingTheEventsRebuildsTheSameTable() {
        PageTable t = PageTable.empty(SPEC);
        List<PageTableEvent> log = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Decision<Mapped> d = t.decideMap(MapBatch.single(i * 0x40_0000L, i * 0x40_0000L, 0x20_0000 + (i % 3) * 0x1000L, Prot.rw()));
            Mapped e = ((Decision.Accepted<Mapped>) d).event();
            log.add(e);
            t = t.apply(e);
        }
        Unmapped u = ((Decision.Accepted<Unmapped>) t.decideUnmap(UnmapBatch.single(0, 0x400_0000))).event();
        log.add(u);
        t = t.apply(u);
        PageTable replayed = PageTable.empty(SPEC);
        for (PageTableEvent e : log) {
            replayed = replayed.apply(e);
        }
        assertEquals(t.digest(), replayed.digest());
        assertEquals(t.leaves(), replayed.leaves());
        assertEquals(t.mappedBytes(), replayed.mappedBytes());
    }

    @Test
    void digestDependsOnLeavesNotHistory() {
        PageTable a = PageTable.empty(SPEC).map(0x1000, 0x1000, 0x1000, Prot.rw()).table()
                .map(0x5000, 0x5000, 0x1000, Prot.rw()).table();
        PageTable b = PageTable.empty(SPEC).map(0x5000, 0x5000, 0x1000, Prot.rw()).table()
                .map(0x9000, 0x9000, 0x1000, Prot.rw()).table().unmap(0x9000, 0x1000).table()
                .map(0x1000, 0x1000, 0x1000, Prot.rw()).table();
        assertEquals(a.digest(), b.digest());
        PageTable c = PageTable.empty(SPEC).map(0x1000, 0x1000, 0x1000, Prot.of(Prot.READ)).table()
                .map(0x5000, 0x5000, 0x1000, Prot.rw()).table();
        assertNotEquals(a.digest(), c.digest());
    }

    @Test
    void unmapMayCoverWholeAreasAndHoles() {
        PageTable t = PageTable.empty(SPEC).map(MapBatch.of(
                new MapSegment(0x10000, 0, 0x2000, Prot.rw()),
                new MapSegment(0x12000, 0, 0x1000, Prot.rw()),
                new MapSegment(0x20_0000, 0x20_0000, 0x20_0000, Prot.rw()))).table();
        assertEquals(4, t.leafCount());
        PageTable emptied = t.unmap(UnmapBatch.of(new UnmapSegment(0, 0x20_0000), new UnmapSegment(0x20_0000, 0x20_0000))).table();
        assertEquals(0, emptied.leafCount());
        assertEquals(0, emptied.mappedBytes());
        // the second area alone may go, the first may not be cut
        assertTrue(t.unmap(0x12000, 0x1000).ok());
        assertFalse(t.unmap(0x11000, 0x2000).ok());
    }

    @Test
    void leavesAreListedInAddressOrder() {
        PageTable t = PageTable.empty(SPEC).map(MapBatch.of(
                new MapSegment(1L << 40, 0x3000, 0x1000, Prot.rw()),
                new MapSegment(0x1000, 0x1000, 0x1000, Prot.of(Prot.READ | Prot.NOEXEC)),
                new MapSegment(1L << 30, 1L << 30, 1L << 30, Prot.rw()))).table();
        List<LeafEntry> leaves = t.leaves();
        assertEquals(List.of(0x1000L, 1L << 30, 1L << 40), leaves.stream().map(LeafEntry::iova).toList());
        assertEquals("r--u", leaves.get(0).perms().compact());
        assertEquals(List.of(1L << 30), t.leaves(0x2000, 1L << 31).stream().map(LeafEntry::iova).toList());
    }

    @Test
    void aBatchWritesEachTableOnce() {
        // 512 pages of one leaf table in one event: the old table is untouched and the new one complete
        List<MapSegment> segments = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            segments.add(new MapSegment(i * 0x1000L, i * 0x1000L, 0x1000, Prot.rw()));
        }
        PageTable before = PageTable.empty(SPEC).map(0x4000_0000L, 0, 0x1000, Prot.rw()).table();
        PageTable after = before.map(new MapBatch(segments)).table();
        assertEquals(513, after.leafCount());
        assertEquals(1, before.leafCount());
        assertEquals(512, after.leaves(0, 0x20_0000).stream().filter(l -> l.areaStart() && l.areaEnd()).count());
    }

    @Test
    void untouchedSubtreesAreSharedAndTouchedPathsCopied() {
        PageTable before = PageTable.empty(SPEC).map(MapBatch.of(
                new MapSegment(0, 0, 0x1000, Prot.rw()),
                new MapSegment(1L << 40, 0, 0x1000, Prot.rw()))).table();
        PageTable after = before.map(0x1000, 0x1000, 0x1000, Prot.rw()).table();
        int far = before.geometry().index(1L << 40, 0);
        int near = before.geometry().index(0, 0);
        assertSame(before.root().child(far), after.root().child(far));
        assertNotSame(before.root().child(near), after.root().child(near));
        assertNotSame(before.root(), after.root());
    }
}
