package org.iommusim.simulations.engine;

import static org.iommusim.simulations.engine.Mappings.map;
import static org.iommusim.simulations.engine.Mappings.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.simulations.report.SimulationReport;
import org.junit.jupiter.api.Test;

/**
 * The cache audit on a cache whose contents the test sets: what counts as
 * "still translates what was unmapped", the violations it reports at a
 * CMD_SYNC completion, the exposure windows it measures, and its memory.
 */
class CacheAuditTest {
    private static final DomainId D = DomainId.of(1);
    private static final CacheSource.Tags TAGS = new CacheSource.Tags("STAGE1", 0, 1);

    /** A TLB the test fills and empties by hand; readings are snapshots, as the model's are. */
    private static final class HandTlb implements CacheSource {
        final List<long[]> entries = new ArrayList<>(); // {va, size, pa}

        void fill(long va, long pa) {
            entries.add(new long[] {va, 4096, pa});
        }

        void evict(long va) {
            entries.removeIf(e -> e[0] == va);
        }

        @Override
        public Reading read() {
            List<long[]> copy = new ArrayList<>(entries);
            return new Reading() {
                @Override
                public List<Held> hitting(Tags tags, long from, long to) {
                    List<Held> out = new ArrayList<>();
                    for (long[] e : copy) {
                        if (tags.equals(TAGS) && e[0] < to && from < e[0] + e[1]) {
                            out.add(new Held("hand TLB", "entry va=0x" + Long.toHexString(e[0]), e[0], e[1],
                                    a -> e[2] + (a - e[0])));
                        }
                    }
                    return out;
                }

                @Override
                public List<Held> outputInto(Tags tags, long paFrom, long paTo) {
                    return List.of();
                }
            };
        }
    }

    private final History history = new History(1_000);
    private final Checker checker = new Checker("/tmp/j", 100);
    private final HandTlb tlb = new HandTlb();
    private final CacheAudit audit = new CacheAudit(List.of(tlb), checker, id -> List.of(new CacheAudit.Reach(TAGS,
            false, this::live, 16)), r -> 0);

    private long live(long address, long t) {
        for (MapRecord m : history.covering(D, address)) {
            if (m.mappedAt(t)) {
                return m.translate(address);
            }
        }
        return -1;
    }

    private void unmapAt(MapRecord r, long t) {
        unmap(r, t);
        audit.unmapped(List.of(r), null, t);
    }

    @Test
    void anEntryLeftAfterItsSyncIsAViolationOnceWhetherOrNotAnyoneUsesIt() {
        MapRecord r = map(history, D, 0x1000, 4096, 0x9000, 0);
        tlb.fill(0x1000, 0x9000);
        unmapAt(r, 100);
        audit.synced(List.of(r), "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 7", 150); // the TLBI never reached it
        audit.synced(List.of(), "CMD_SYNC at smmu-0 queue entry 9", 300);
        SimulationReport.Checker result = checker.result();
        assertEquals(Map.of("STALE_AFTER_SYNC", 1L), result.violationsByRule(), "reported once, not at every sync");
        String text = result.violations().get(0).explanation();
        for (String part : new String[] {"queue entry 7", "t=150ns", "hand TLB", "entry va=0x1000", "PA 0x9000",
                "unmapped at t=100ns"}) {
            assertTrue(text.contains(part), part + " in: " + text);
        }
        assertEquals(List.of("domain-1 #1 map", "domain-1 #2 unmap"), result.violations().get(0).events());
        assertTrue(result.violations().get(0).traceCommand().contains("--iova 0x1000 --sid 16"));
        assertEquals(1, audit.retained(), "still exposed until evicted");
        tlb.evict(0x1000);
        audit.synced(List.of(), "CMD_SYNC at smmu-0 queue entry 11", 900);
        assertEquals(0, audit.retained());
        Histogram w = audit.windows();
        assertEquals(1, w.getTotalCount());
        assertEquals(800, w.getMaxValue(), "unmap at 100 until no cache held it, seen at 900");
    }

    @Test
    void strictExposureEndsAtTheSyncAndAnUncachedUnmapHasNoWindow() {
        MapRecord cached = map(history, D, 0x1000, 4096, 0x9000, 0);
        MapRecord cold = map(history, D, 0x2000, 4096, 0xa000, 0);
        tlb.fill(0x1000, 0x9000);
        unmapAt(cached, 100);
        tlb.evict(0x1000); // the TLBI
        audit.synced(List.of(cached), "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 2", 140);
        unmapAt(cold, 200);
        audit.synced(List.of(cold), "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 4", 240);
        assertEquals(0, checker.result().violationCount());
        Histogram w = audit.windows();
        assertEquals(1, w.getTotalCount(), "only the cached one was exposed");
        assertEquals(40, w.getMaxValue(), "from its unmap to its sync");
    }

    @Test
    void twoBuffersSharingOnePhysicalPageOneUnmappedTheOtherStillMappedIsNoViolation() {
        // two buffers in one 4K physical page, each mapped at its own IOVA page (two dma_map calls)
        MapRecord a = map(history, D, 0x1000, 4096, 0x9000, 0);
        MapRecord b = map(history, D, 0x5000, 4096, 0x9000, 0);
        tlb.fill(0x1000, 0x9000);
        tlb.fill(0x5000, 0x9000);
        unmapAt(a, 100);
        tlb.evict(0x1000);
        audit.synced(List.of(a), "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 2", 150);
        audit.finish(500);
        assertEquals(0, checker.result().violationCount(), () -> checker.result().violations().toString());
        assertTrue(b.mappedAt(500), "the page stays mapped through the other buffer's IOVA");
        assertEquals(1, audit.windows().getTotalCount(), "only the unmapped IOVA had a window");
        assertEquals(50, audit.windows().getMaxValue());
    }

    @Test
    void anIovaMappedAgainToTheSamePageIsNotStale() {
        // the buffer is unmapped and its IOVA mapped again to the same page before the audit looks
        MapRecord old = map(history, D, 0x1000, 4096, 0x9000, 0);
        tlb.fill(0x1000, 0x9000);
        unmap(old, 100);
        map(history, D, 0x1000, 4096, 0x9000, 120);
        audit.unmapped(List.of(old), null, 100);
        audit.synced(List.of(old), "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 2", 150);
        assertEquals(0, checker.result().violationCount(), "what the cache holds is what the tables say now");
    }

    @Test
    void releasingIovasWithNoCompletedSyncIsAViolation() {
        MapRecord r = map(history, D, 0x1000, 4096, 0x9000, 0);
        unmapAt(r, 100);
        audit.released(List.of(r), "TLBI_NH_VA, CMD_SYNC skipped", 110);
        assertEquals(Map.of("RELEASED_BEFORE_SYNC", 1L), checker.result().violationsByRule());
        MapRecord s = map(history, D, 0x2000, 4096, 0xa000, 200);
        unmapAt(s, 300);
        audit.synced(List.of(s), "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 2", 320);
        audit.released(List.of(s), "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 2", 320);
        assertEquals(1, checker.result().violationCount(), "a synced release is fine");
    }

    @Test
    void theAuditHoldsOnlyWhatIsStillExposedWhateverTheRunsLength() {
        int maxRetained = 0;
        List<MapRecord> queued = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            long va = 0x10_0000L + (i % 512) * 4096L;
            MapRecord r = map(history, D, va, 4096, 0x100_0000L + i * 4096L, i * 10L);
            tlb.fill(va, r.pa);
            unmapAt(r, i * 10L + 5);
            queued.add(r);
            maxRetained = Math.max(maxRetained, audit.retained());
            if (i % 32 == 31) {
                // a lazy flush every 32 unmaps: the whole context goes, then the IOVAs are released
                tlb.entries.clear();
                audit.synced(queued, "TLBI_NH_ASID, CMD_SYNC at smmu-0 queue entry " + i, i * 10L + 8);
                for (MapRecord q : queued) {
                    Mappings.release(q, i * 10L + 8);
                }
                queued.clear();
            }
        }
        assertEquals(32, maxRetained, "at most the flush queue's worth, after 100,000 unmaps");
        assertEquals(100_000, audit.windows().getTotalCount(), "every window counted in the histogram");
        assertEquals(0, checker.result().violationCount());
    }
}
