package org.iommusim.simulations.engine;

import static org.iommusim.simulations.engine.Mappings.map;
import static org.iommusim.simulations.engine.Mappings.release;
import static org.iommusim.simulations.engine.Mappings.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.pagetable.StagePermissions;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Costs;
import org.junit.jupiter.api.Test;

/**
 * What the engine holds per run (history, open stale windows, violation
 * examples, time series) stays the same size while the number of operations
 * grows tenfold: a NIC-like ring remapped for every packet, lazily flushed,
 * with late DMA into unmapped buffers and now and then a missing TLBI. The
 * model itself is left out (its bounds are its own); the 10,000,000-operation
 * run under {@code -Xmx1g} is {@code bench/SimulationMemory}.
 */
class BoundedMemoryTest {
    private static final DomainId D = DomainId.of(1);

    /** What one synthetic run leaves held. */
    record Held(int historyRecords, int openStaleWindows, int examples, int hitRatePoints, int occupancyPoints,
            long violations, long staleWindows, long translations) {}

    private static Held run(int operations) {
        History history = new History(1_000_000); // 1 ms of virtual time
        Checker checker = new Checker("/tmp/j", 100);
        Metrics metrics = new Metrics(Costs.defaults(), 10_000);
        Checker.Resolution res = new Checker.Resolution() {
            @Override
            public List<MapRecord> candidates(long iova) {
                return history.covering(D, iova);
            }

            @Override
            public DomainStage stage() {
                return DomainStage.STAGE1;
            }

            @Override
            public MapRecord stage1(long iova) {
                return null;
            }
        };
        var rw = StagePermissions.of(DomainStage.STAGE1, Prot.rw());
        var hit = new TranslationWorker.Traced(null, Outcome.Path.HIT, 0);
        Random rnd = new Random(11);
        MapRecord[] ring = new MapRecord[256];
        ArrayDeque<MapRecord> lazyQueue = new ArrayDeque<>();
        ArrayDeque<MapRecord> recent = new ArrayDeque<>();
        long t = 0;
        long nextPa = 0x8000_0000L;
        for (int op = 0; op < operations; op++) {
            t += 200;
            int slot = op % ring.length;
            MapRecord r = ring[slot];
            if (r != null) {
                checker.translation("nic", 16, t, r.iova, Access.WRITE, false, new Translated(r.pa, rw), res);
                metrics.translation("nic", "smmu-0", t, hit);
                unmap(r, t);
                lazyQueue.add(r);
                recent.add(r);
                if (recent.size() > 16) {
                    recent.poll();
                }
            }
            if (lazyQueue.size() >= 32) { // a lazy flush: whole-ASID TLBI, one sync
                for (MapRecord q : lazyQueue) {
                    release(q, t);
                }
                lazyQueue.clear();
                metrics.submit("smmu-0", t, java.util.List.of(new org.iommusim.protocol.command.TlbiNhAsid(0, 1),
                        org.iommusim.protocol.command.CmdSync.poll()));
            }
            MapRecord late = recent.isEmpty() ? null : recent.peekLast();
            if (late != null && rnd.nextInt(20) == 0) {
                // late DMA: permitted before its flush, a violation after it (a TLBI that went missing)
                checker.translation("nic", 16, t, late.iova, Access.WRITE, false, new Translated(late.pa, rw), res);
            }
            long iova = 0x10_0000L + (r != null && r.releasedAt <= t ? slot : (op % 4096)) * 4096L;
            checker.mapped(history, D, iova, 4096, t, 16);
            ring[slot] = map(history, D, iova, 4096, nextPa, t);
            nextPa += 4096;
        }
        SimulationReport.Checker result = checker.result();
        return new Held(history.retained(), checker.openStaleWindows(), result.examplesKept(),
                metrics.hitRate().size(), metrics.occupancy().size(), result.violationCount(),
                checker.staleWindows().getTotalCount(), result.translationsChecked());
    }

    @Test
    void whatARunHoldsDoesNotGrowWithItsLength() {
        Held small = run(200_000);
        Held large = run(2_000_000);
        assertTrue(large.translations() > 9 * small.translations(), "ten times the work: " + small + " / " + large);
        assertTrue(large.violations() > 9 * small.violations() && small.violations() > 100,
                "violations keep being counted: " + small + " / " + large);
        assertTrue(large.staleWindows() > 9 * small.staleWindows() && small.staleWindows() > 100,
                "stale windows keep being counted: " + small + " / " + large);
        // ...while what is held stays put
        assertTrue(large.historyRecords() < small.historyRecords() * 1.2 + 64,
                "history " + small.historyRecords() + " -> " + large.historyRecords());
        assertTrue(large.historyRecords() < 256 + 4096 + 2 * 5_000 + 1_000, "history " + large.historyRecords());
        assertTrue(large.openStaleWindows() <= small.openStaleWindows() * 1.2 + 64,
                "open stale windows " + small.openStaleWindows() + " -> " + large.openStaleWindows());
        assertEquals(small.examples(), large.examples(), "at most 100 examples per rule");
        assertTrue(large.examples() <= 300);
        assertTrue(large.hitRatePoints() <= Series.MAX_POINTS && large.occupancyPoints() <= Series.MAX_POINTS,
                large.toString());
    }
}
