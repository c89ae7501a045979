package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.DriverDef;
import org.iommusim.simulations.scenario.FaultInjection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine end to end on the real actors and LevelDB: the checker's verdicts and determinism. */
class SimulationTest {

    private static SimulationReport run(org.iommusim.simulations.scenario.Scenario sc, Path out) throws Exception {
        return Simulation.run(sc, out, false, p -> {});
    }

    @Test
    void cleanStrictRunHasNoViolationsAndNoStaleWindows(@TempDir Path dir) throws Exception {
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 1500, List.of()), dir);
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(r.checker().translationsChecked() > 1000);
        assertEquals(0, r.staleWindow().count(), "strict invalidation leaves no stale window");
        assertTrue(r.iotlb().hits() > 0 && r.iotlb().misses() > 0);
    }

    @Test
    void aDroppedTlbiIsFlaggedWithATraceCommand(@TempDir Path dir) throws Exception {
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 1500,
                List.of(new FaultInjection(FaultInjection.Kind.DROP_TLBI, 20))), dir);
        assertTrue(r.checker().violationCount() > 0, "the missing TLBI must be caught");
        SimulationReport.Violation v = r.checker().violations().get(0);
        assertEquals("STALE_AFTER_SYNC", v.rule());
        assertTrue(v.explanation().contains("the TLBI for it was never sent"), v.explanation());
        assertTrue(v.traceCommand().startsWith("./iommu-sim trace --journal "), v.traceCommand());
        assertTrue(v.events().stream().anyMatch(e -> e.startsWith("domain-1 #") && e.endsWith("unmap")), v.events().toString());
    }

    @Test
    void lazyShowsStaleWindowsWithinTheFlushBoundAndNoViolations(@TempDir Path dir) throws Exception {
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.LAZY), 3000, List.of()), dir);
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(r.staleWindow().count() > 0, "lazy invalidation lets late DMA through");
        // bounded: a flush happens within the timeout (plus one operation's duration) or after 32 unmaps
        assertTrue(r.staleWindow().maxNs() < 200_000L + 100_000L, "max stale window " + r.staleWindow().maxNs());
    }

    @Test
    void nestedHostInvalidatingOnlyWithS2IpaIsCaught(@TempDir Path dir) throws Exception {
        SimulationReport bad = run(TestScenarios.nested(DriverDef.Stage2Invalidation.S2_IPA_ONLY, 1500),
                dir.resolve("bad"));
        assertTrue(bad.checker().violationCount() > 0, "S2_IPA alone leaves combined entries: stale use");
        assertTrue(bad.checker().violations().get(0).explanation().contains("TLBI_S2_IPA"),
                bad.checker().violations().get(0).explanation());
        SimulationReport good = run(TestScenarios.nested(DriverDef.Stage2Invalidation.S12_VMALL, 1500),
                dir.resolve("good"));
        assertEquals(0, good.checker().violationCount(), () -> good.checker().violations().toString());
    }

    @Test
    void sameScenarioAndSeedGiveTheSameEventStreamAndReport(@TempDir Path dir) throws Exception {
        var sc = TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.LAZY), 800, List.of());
        SimulationReport a = run(sc, dir.resolve("a"));
        SimulationReport b = run(sc, dir.resolve("b"));
        assertEquals(a.eventDigest(), b.eventDigest());
        assertEquals(a.iotlb(), b.iotlb());
        assertEquals(a.staleWindow(), b.staleWindow());
        assertEquals(a.latency(), b.latency());
        SimulationReport c = run(sc.withSeed(99), dir.resolve("c"));
        assertTrue(!c.eventDigest().equals(a.eventDigest()), "another seed, another run");
    }
}
