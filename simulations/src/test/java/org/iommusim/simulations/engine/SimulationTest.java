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
        assertEquals(0, r.checker().staleUses(), "strict invalidation leaves no stale use");
        assertEquals(0, r.staleWindow().maxUnmapsBehind(), "strict: every exposure ends at its own unmap's sync");
        assertTrue(r.staleWindow().count() > 0 && r.staleWindow().maxNs() < 2_000,
                "strict: the caches hold an unmapped buffer only until its CMD_SYNC: " + r.staleWindow());
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

    @Test
    void aDroppedCfgiLeavesTheStreamUnconfiguredSoItsDmaFaults(@TempDir Path dir) throws Exception {
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 300,
                List.of(new FaultInjection(FaultInjection.Kind.DROP_CFGI, 1))), dir);
        SimulationReport.Device nic = r.devices().get(0);
        assertEquals("nic0", nic.name());
        assertEquals(0, nic.hits() + nic.misses(), "no translation of sid 16 reached the IOTLB");
        assertTrue(nic.faults() > 0, "C_BAD_STE for every DMA of the unconfigured stream");
        assertTrue(r.devices().get(1).hits() > 0, "the other stream is unaffected");
    }

    @Test
    void aSkippedSyncLetsTheDriverReuseAnIovaBeforeItsFlushCompleted(@TempDir Path dir) throws Exception {
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 1500,
                List.of(new FaultInjection(FaultInjection.Kind.SKIP_SYNC, 5))), dir);
        assertTrue(r.checker().violations().stream().anyMatch(v -> v.rule().equals("IOVA_REUSED_BEFORE_FLUSH")),
                () -> r.checker().violations().toString());
    }

    @Test
    void aCrashAndRestartFromTheJournalKeepsTheRunCorrect(@TempDir Path dir) throws Exception {
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 1200,
                List.of(new FaultInjection(FaultInjection.Kind.CRASH, 600))), dir);
        assertEquals(1200, r.run().operations());
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(r.devices().get(0).hits() > 0);
    }

    @Test
    void batchedInvalidationIsCorrectAndSyncsLessOften(@TempDir Path dir) throws Exception {
        SimulationReport strict = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 1000,
                List.of()), dir.resolve("strict"));
        SimulationReport batched = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.BATCHED), 1000,
                List.of()), dir.resolve("batched"));
        assertEquals(0, batched.checker().violationCount(), () -> batched.checker().violations().toString());
        assertTrue(batched.commands().syncs() * 10 < strict.commands().syncs(),
                "batched " + batched.commands().syncs() + " syncs vs strict " + strict.commands().syncs());
    }

    @Test
    void concurrentModeRunsDevicesFreelyAndStillChecksEveryResult(@TempDir Path dir) throws Exception {
        SimulationReport r = Simulation.run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.LAZY), 1500,
                List.of()), dir, true, p -> {});
        assertEquals("concurrent", r.mode());
        assertTrue(r.run().operations() >= 1500);
        assertTrue(r.checker().translationsChecked() > 1000);
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(r.checker().cacheReadings() > 0, "its caches were audited");
    }

    @Test
    void devicesMapWholePagesOfTheirDomainsGranule(@TempDir Path dir) throws Exception {
        // a 2K packet takes a 64K page, the random window sixteen: the model refuses a map of 4K pages there
        SimulationReport r = run(TestScenarios.nic64k(TestScenarios.driver(DriverDef.Strategy.STRICT), 2000), dir);
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        SimulationReport.Device nic = r.devices().get(0);
        assertTrue(nic.unmaps() > 0 && nic.faults() == 0, nic::toString);
        assertEquals(0, r.devices().get(1).faults());
    }

    @Test
    void refillsAreCountedOnPagesOfTheDomainsGranule(@TempDir Path dir) throws Exception {
        // every miss is the first translation of its 64K page since the window was mapped, or a refill of it:
        // at most 512 pages, whichever 4K of each page the accesses reached
        SimulationReport r = run(TestScenarios.random64k(20_000), dir);
        SimulationReport.Device d = r.devices().get(0);
        assertTrue(d.misses() > 2_000, d::toString);
        assertTrue(d.refills() >= d.misses() - 512 && d.refills() < d.misses(), d::toString);
    }

    @Test
    void concurrentModeAuditsTheCachesAfterEachSync(@TempDir Path dir) throws Exception {
        // the 5th invalidation's TLBIs dropped: its entry stays cached past the CMD_SYNC, which the audit finds
        // there whether or not a DMA uses it
        SimulationReport r = Simulation.run(TestScenarios.nicAlone(TestScenarios.driver(DriverDef.Strategy.STRICT),
                200, List.of(new FaultInjection(FaultInjection.Kind.DROP_TLBI, 5))), dir, true, p -> {});
        assertEquals("concurrent", r.mode());
        assertTrue(r.checker().violationsByRule().containsKey("STALE_AFTER_SYNC"),
                () -> r.checker().violationsByRule().toString());
        assertTrue(r.devices().get(0).exposed() > 0, "exposure measured from the caches");
    }
}
