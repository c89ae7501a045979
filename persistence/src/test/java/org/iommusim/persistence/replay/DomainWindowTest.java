package org.iommusim.persistence.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.UpdateResult;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.junit.jupiter.api.Test;

/**
 * Windowed domain replay gives exactly the table event-by-event replay
 * gives, on histories that reuse addresses soon after unmapping them (the
 * case the window must not reorder), with 2M blocks among the pages.
 */
class DomainWindowTest {
    private static final DomainSpec SPEC = DomainSpec.stage1(Granule.G4K, 48, 48, 5);

    @Test
    void windowedReplayEqualsOneByOne() {
        for (long seed = 1; seed <= 20; seed++) {
            List<Object> events = history(new SplittableRandom(seed), 600);
            DomainFolder folder = new DomainFolder();
            DomainState one = folder.initial();
            for (Object e : events) {
                one = folder.apply(one, e);
            }
            DomainState windowed = folder.initial();
            for (int i = 0; i < events.size(); i += 37) {
                windowed = folder.applyWindow(windowed, events.subList(i, Math.min(events.size(), i + 37)));
            }
            PageTable a = one.table().orElseThrow();
            PageTable b = windowed.table().orElseThrow();
            assertEquals(a.digest(), b.digest(), "seed " + seed);
            assertEquals(a.leaves(), b.leaves(), "seed " + seed);
            assertEquals(a.mappedBytes(), b.mappedBytes());
            assertTrue(a.leafCount() > 0);
        }
    }

    /** A window that cannot apply (a map over a mapped page) fails as the single events would. */
    @Test
    void aBadWindowThrowsLikeTheEventItHolds() {
        Object map = new DomainEvent.TableChanged(PageTable.empty(SPEC).decideMap(MapBatch.single(0x1000, 0x2000,
                0x1000, Prot.rw())) instanceof org.iommusim.persistence.pagetable.Decision.Accepted<?> a
                ? a.event() : null);
        DomainFolder folder = new DomainFolder();
        DomainState s = folder.apply(folder.initial(), new DomainEvent.Allocated(SPEC));
        assertThrows(IllegalStateException.class, () -> folder.applyWindow(s, List.of(map, map)));
    }

    /** Allocate, then random maps of 1-8 pages or a 2M block into a small address range, and unmaps of whole buffers. */
    private static List<Object> history(SplittableRandom rnd, int n) {
        List<Object> out = new ArrayList<>();
        out.add(new DomainEvent.Allocated(SPEC));
        PageTable t = PageTable.empty(SPEC);
        List<long[]> mapped = new ArrayList<>();
        while (out.size() < n) {
            if (!mapped.isEmpty() && rnd.nextInt(3) == 0) {
                long[] b = mapped.remove(rnd.nextInt(mapped.size()));
                UpdateResult r = t.unmap(UnmapBatch.single(b[0], b[1]));
                t = r.table();
                out.add(new DomainEvent.TableChanged(((UpdateResult.Updated) r).event()));
                continue;
            }
            boolean block = rnd.nextInt(10) == 0;
            long size = block ? 0x20_0000L : 0x1000L * (1 + rnd.nextInt(8));
            long iova = block ? 0x20_0000L * rnd.nextInt(4) : 0x1000L * rnd.nextInt(2048);
            List<MapSegment> segs = List.of(new MapSegment(iova, 0x8000_0000L + iova, size, Prot.rw()));
            UpdateResult r = t.map(new MapBatch(segs));
            if (r.ok()) {
                t = r.table();
                mapped.add(new long[] {iova, size});
                out.add(new DomainEvent.TableChanged(((UpdateResult.Updated) r).event()));
            }
        }
        return out;
    }
}
