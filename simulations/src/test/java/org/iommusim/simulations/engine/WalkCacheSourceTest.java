package org.iommusim.simulations.engine;

import static org.iommusim.simulations.engine.Mappings.map;
import static org.iommusim.simulations.engine.Mappings.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.TcuEvent;
import org.iommusim.persistence.tcu.WalkEntry;
import org.iommusim.persistence.tcu.WalkTally;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.simulations.report.SimulationReport;
import org.junit.jupiter.api.Test;

/**
 * The walk caches as an audit source, on a TCU the test fills by walking
 * hand-built tables: a leaf entry left after its sync is the TLB's
 * violation, a table entry naming a freed table page is its own, a table
 * entry naming a live table page is none.
 */
class WalkCacheSourceTest {
    private static final DomainId D = DomainId.of(1);
    private static final int ASID = 5;
    private static final CacheSource.Tags TAGS = new CacheSource.Tags("STAGE1", 0, ASID);
    private static final DomainSpec SPEC = DomainSpec.stage1(Granule.G4K, 48, 48, ASID);
    private static final long IOVA = 0x4000_0000L;
    /** Same level-2 table as IOVA, another level-3 table: keeps the level-2 table in place. */
    private static final long NEIGHBOUR = IOVA + 0x20_0000L;
    private static final long PA = 0x8_0000_0000L;

    private final Tcu tcu = new Tcu(TcuCaches.defaults());
    private PageTable table = PageTable.empty(SPEC);
    private final History history = new History(1_000);
    private final Checker checker = new Checker("/tmp/j", 100);
    private final WalkCacheSource source = new WalkCacheSource(this::held, t -> t.equals(TAGS) ? D : null);
    private final CacheAudit audit = new CacheAudit(List.of(source), checker,
            id -> List.of(new CacheAudit.Reach(TAGS, false, this::live, 16)), r -> 0);

    /** What the hand-built TCU holds, asked as the facade's CachedWalk asks it: by the TCU's own rules. */
    private List<WalkCacheSource.Entry> held() {
        List<WalkCacheSource.Entry> out = new ArrayList<>();
        for (TcuEvent e : tcu.snapshot().fills()) {
            if (e instanceof TcuEvent.WalkFilled f) {
                out.add(entry(f.stage(), f.level(), f.entry()));
            }
        }
        return out;
    }

    private WalkCacheSource.Entry entry(int stage, int level, WalkEntry w) {
        return new WalkCacheSource.Entry() {
            public String cache() {
                return "hand walk-s" + stage + "-l" + level;
            }

            public String describe() {
                return w.toString();
            }

            public int stage() {
                return stage;
            }

            public int vmid() {
                return w.vmid();
            }

            public int asid() {
                return w.asid();
            }

            public long va() {
                return w.base();
            }

            public long size() {
                return w.size();
            }

            public boolean leaf() {
                return w.leaf();
            }

            public boolean hitBy(int s, int vmid, int asid, long address) {
                return s == stage && w.hitBy(vmid, asid, address);
            }

            public long translate(DomainId domain, long address) {
                return ((WalkResult.Leaf) Tcu.leafAnswer(level, w, table, address, true)).outputAddress();
            }

            public boolean inPlace(DomainId domain) {
                return !Tcu.namesFreedTable(level, w, table);
            }
        };
    }

    private long live(long address, long t) {
        for (MapRecord m : history.covering(D, address)) {
            if (m.mappedAt(t)) {
                return m.translate(address);
            }
        }
        return -1;
    }

    /** Maps IOVA and its neighbour, and walks IOVA through the TCU: one entry per level. */
    private MapRecord mapAndWalk() {
        table = table.map(IOVA, PA, 0x1000, Prot.rw()).table();
        table = table.map(NEIGHBOUR, PA + 0x20_0000L, 0x1000, Prot.rw()).table();
        MapRecord r = map(history, D, IOVA, 0x1000, PA, 0);
        map(history, D, NEIGHBOUR, 0x1000, PA + 0x20_0000L, 0);
        WalkResult w = tcu.walk(1, 0, ASID, table, IOVA, new WalkTally());
        assertEquals(PA, ((WalkResult.Leaf) w).outputAddress());
        for (int level = 0; level < 4; level++) {
            assertEquals(1, tcu.walkEntries(1, level).size(), "level " + level);
        }
        return r;
    }

    private static TlbiNhVa nhVa(long va, boolean leaf) {
        return new TlbiNhVa(0, ASID, va, leaf, TlbiRange.NONE);
    }

    @Test
    void theLookupFindsOnlyWhatATaggedWalkWouldHit() {
        mapAndWalk();
        CacheSource.Reading now = source.read();
        List<CacheSource.Held> leaf = now.hitting(TAGS, IOVA, IOVA + 0x1000);
        assertEquals(1, leaf.size(), "the live table entries give no stale answer; the page descriptor does: " + leaf);
        assertEquals("hand walk-s1-l3", leaf.get(0).cache());
        assertEquals(PA + 0x123, leaf.get(0).translate().applyAsLong(IOVA + 0x123));
        assertEquals(List.of(), now.hitting(new CacheSource.Tags("STAGE1", 0, ASID + 1), IOVA, IOVA + 0x1000),
                "another ASID's walk misses");
        assertEquals(List.of(), now.hitting(new CacheSource.Tags("STAGE2", 0, -1), IOVA, IOVA + 0x1000),
                "a stage-2 walk does not look in the stage-1 caches");
        assertEquals(List.of(), now.hitting(TAGS, IOVA + 0x1000, IOVA + 0x2000), "outside the page");
    }

    @Test
    void aPageDescriptorLeftAfterItsSyncIsStaleAfterSync() {
        MapRecord r = mapAndWalk();
        table = table.unmap(IOVA, 0x1000).table(); // the level-3 table stays, as Linux keeps it
        unmap(r, 100);
        audit.unmapped(List.of(r), null, 100);
        assertEquals(1, audit.retained(), "the walk cache still translates it at its unmap");
        audit.synced(List.of(r), "TLBI dropped, CMD_SYNC at smmu-0 queue entry 7", 150);
        SimulationReport.Checker result = checker.result();
        assertEquals(Map.of("STALE_AFTER_SYNC", 1L), result.violationsByRule());
        String text = result.violations().get(0).explanation();
        for (String part : new String[] {"hand walk-s1-l3", "IOVA 0x40000000", "PA 0x800000000", "queue entry 7"}) {
            assertTrue(text.contains(part), part + " in: " + text);
        }
        tcu.invalidate(nhVa(IOVA, true)); // the leaf TLBI the driver should have sent
        audit.synced(List.of(), "CMD_SYNC at smmu-0 queue entry 9", 300);
        assertEquals(0, audit.retained(), "no walk-cache entry reaches it: the window closed");
        assertEquals(1, checker.result().violationCount());
    }

    @Test
    void aTableEntryNamingAFreedTablePageIsStaleWalkAfterSync() {
        MapRecord r = mapAndWalk();
        long freedL3 = tcu.walkEntries(1, 2).get(0).value();
        table = table.unmap(IOVA, 0x20_0000L).table(); // the whole 2M: IOVA's level-3 table page is freed
        assertTrue(Tcu.namesFreedTable(2, tcu.walkEntries(1, 2).get(0), table));
        unmap(r, 100);
        audit.unmapped(List.of(r), null, 100);
        tcu.invalidate(nhVa(IOVA, true)); // LEAF=1: the page descriptor goes, the table descriptor stays
        assertEquals(0, tcu.walkEntries(1, 3).size());
        audit.synced(List.of(r), "TLBI_NH_VA leaf, CMD_SYNC at smmu-0 queue entry 7", 150);
        SimulationReport.Checker result = checker.result();
        assertEquals(Map.of("STALE_WALK_AFTER_SYNC", 1L), result.violationsByRule());
        String text = result.violations().get(0).explanation();
        for (String part : new String[] {"hand walk-s1-l2", "table page no longer in place", "IOVA 0x40000000",
                "freed memory", "queue entry 7", "value=" + freedL3}) {
            assertTrue(text.contains(part), part + " in: " + text);
        }
        tcu.invalidate(nhVa(IOVA, false)); // LEAF=0 removes the table descriptor too
        audit.synced(List.of(), "CMD_SYNC at smmu-0 queue entry 9", 300);
        assertEquals(0, audit.retained());
    }

    @Test
    void aTableEntryNamingALiveTablePageIsNoViolation() {
        MapRecord r = mapAndWalk();
        table = table.unmap(IOVA, 0x1000).table(); // the emptied level-3 table stays in place
        unmap(r, 100);
        audit.unmapped(List.of(r), null, 100);
        tcu.invalidate(nhVa(IOVA, true));
        assertEquals(3, held().size(), "the table descriptors of levels 0-2 stay");
        audit.synced(List.of(r), "TLBI_NH_VA leaf, CMD_SYNC at smmu-0 queue entry 7", 150);
        assertEquals(0, checker.result().violationCount(), "a walk they lead reads the live tables and faults");
        assertEquals(0, audit.retained());
    }
}
