package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.report.TimingReport;
import org.iommusim.simulations.scenario.Costs;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timing model inside a simulation (docs/TIMING.md): a CMD_SYNC waits
 * for the commands queued before it, so an unmap's sync behind 64 per-page
 * TLBIs completes 63 TLBI costs later than one behind a single TLBI; the
 * figures are virtual time, so two runs of a seed give the same ones.
 */
class TimingSimulationTest {

    private static String disk(int segments) {
        return "scenario {\n name = t\n question = q\n seed = 3\n length { virtual-time = 4ms }\n"
                + " smmus = [ { id = 0, ril = false } ]\n"
                + " domains = [ { id = 1, smmu = 0, stage = stage1, asid = 1 } ]\n"
                + " streams = [ { smmu = 0, sid = 1, config = stage1, domain = 1 } ]\n"
                + " driver { strategy = strict, invalidation = per-page }\n"
                + " devices = [ { name = disk, stream = 1, interval = 1ms, stray { probability = 0 },"
                + " workload { kind = storage-sg, segments = " + segments + ", queue = 0 } } ]\n}\n";
    }

    private static SimulationReport run(String text, Path dir) throws Exception {
        return Simulation.run(ScenarioLoader.load(text, "test.conf"), dir, false, p -> {});
    }

    /**
     * The CMD_SYNC latency the unmaps of the run saw: they all see the same (the SMMU is idle, 1 ms apart), and
     * they outnumber the attach's one sync, so it is the median.
     */
    private static long unmapSync(SimulationReport r) {
        TimingReport.Distribution s = r.timing().cmdSync();
        assertTrue(s.count() >= 4, "the attach's sync and at least three unmaps': " + s);
        return s.p50Ns();
    }

    @Test
    void aSyncBehindSixtyFourTlbisCompletesSixtyThreeTlbiCostsLaterThanBehindOne(@TempDir Path dir)
            throws Exception {
        SimulationReport one = run(disk(1), dir.resolve("one"));
        SimulationReport many = run(disk(64), dir.resolve("many"));
        assertEquals(64.0, many.devices().get(0).tlbisPerUnmap(), "per page, no RIL");
        assertEquals(1.0, one.devices().get(0).tlbisPerUnmap());
        long tlbi = Costs.defaults().commandNs();
        // histogram resolution at 2-4 us is 2 ns
        assertEquals(63 * tlbi, unmapSync(many) - unmapSync(one), 4, one.timing().cmdSync() + " / "
                + many.timing().cmdSync());
        TimingReport.UnmapCost big = many.timing().unmapCost().get(many.timing().unmapCost().size() - 1);
        assertEquals(64, big.upToPages());
        assertTrue(big.meanNs() > unmapSync(many), "an unmap costs its call and its sync: " + big);
        assertEquals(0, many.checker().violationCount());
    }

    @Test
    void theFiguresAreVirtualTimeAndRepeatWithTheSeed(@TempDir Path dir) throws Exception {
        SimulationReport a = run(disk(8), dir.resolve("a"));
        SimulationReport b = run(disk(8), dir.resolve("b"));
        assertNotNull(a.timing());
        assertEquals(a.timing(), b.timing());
        TimingReport.LevelLatency tlb = a.timing().translation().stream().filter(l -> l.level().equals("tlb"))
                .findFirst().orElseThrow();
        assertEquals(Costs.defaults().hitNs(), tlb.maxNs(), "a TLB hit costs the hit latency, no slot waits here");
        TimingReport.LevelLatency walk = a.timing().translation().stream().filter(l -> l.level().equals("walk"))
                .findFirst().orElseThrow();
        Costs c = Costs.defaults();
        assertTrue(walk.p50Ns() >= c.hitNs() + 2 * c.linkNs() + c.missNs() + c.walkStepNs(),
                "a miss crosses the TBU-TCU link both ways and reads at least one descriptor: " + walk);
        TimingReport.LevelLatency link = a.timing().translation().stream().filter(l -> l.level().equals(TimingReport.LINK_WAIT))
                .findFirst().orElseThrow();
        assertEquals(walk.count(), link.count(), "every miss crossed the link: " + link);
        assertTrue(link.maxNs() < walk.maxNs() - 2 * c.linkNs(), "its wait is a part of the walk's latency: " + link);
        assertEquals(a.devices().get(0).hits() + a.devices().get(0).misses(), a.timing().dma().get(0).translations());
    }

    @Test
    void concurrentRunsCarryNoTimingFigures(@TempDir Path dir) throws Exception {
        SimulationReport r = Simulation.run(ScenarioLoader.load(disk(1), "test.conf"), dir, true, p -> {});
        assertNull(r.timing(), "a concurrent run's time is the host's");
    }
}
