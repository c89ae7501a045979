package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device knobs of docs/SCENARIOS.md change what a run does: weight, late DMA, untrusted, storage re-reads. */
class DeviceKnobsTest {

    private static SimulationReport run(String driver, String devices, String length, Path dir) throws Exception {
        String text = "scenario {\n name = t\n question = q\n length { " + length + " }\n"
                + " smmus = [ { id = 0, iotlb-entries = 256 } ]\n"
                + " domains = [ { id = 1, smmu = 0, stage = stage1, asid = 1 },"
                + " { id = 2, smmu = 0, stage = stage1, asid = 2 } ]\n"
                + " streams = [ { smmu = 0, sid = 1, config = stage1, domain = 1 },"
                + " { smmu = 0, sid = 2, config = stage1, domain = 2 } ]\n"
                + " driver { " + driver + " }\n devices = [ " + devices + " ]\n}\n";
        return Simulation.run(ScenarioLoader.load(text, "t.conf"), dir, false, p -> {});
    }

    @Test
    void aWeightOfFourGivesADeviceAboutFourTimesTheOperations(@TempDir Path dir) throws Exception {
        SimulationReport r = run("strategy = strict",
                "{ name = one, stream = 1, workload { kind = random, window = 64K } },"
                        + " { name = four, stream = 2, weight = 4, workload { kind = random, window = 64K } }",
                "operations = 20000", dir);
        double ratio = (double) r.devices().get(1).operations() / r.devices().get(0).operations();
        assertTrue(ratio > 3.6 && ratio < 4.4, "weight 4 against weight 1: " + ratio + " times the operations");
        SimulationReport paced = run("strategy = strict",
                "{ name = one, stream = 1, interval = 10us, workload { kind = random, window = 64K } },"
                        + " { name = four, stream = 2, interval = 10us, weight = 4,"
                        + " workload { kind = random, window = 64K } }",
                "virtual-time = 5ms", dir.resolve("paced"));
        double pacedRatio = (double) paced.devices().get(1).operations() / paced.devices().get(0).operations();
        assertTrue(pacedRatio > 3.6 && pacedRatio < 4.4, "paced, weight 4: " + pacedRatio);
    }

    private static final String LAZY = "strategy = lazy, flush-queue = 256, flush-timeout = 10ms";

    private static String nic(String extra) {
        return "{ name = nic0, stream = 1, interval = 10us, " + extra
                + " workload { kind = nic-ring, ring = 64, packet = 2K } }";
    }

    @Test
    void theLateDmaKnobsDecideWhatIsExposed(@TempDir Path dir) throws Exception {
        SimulationReport none = run(LAZY, nic("stray { probability = 0 },"), "virtual-time = 10ms",
                dir.resolve("none"));
        assertEquals(0, none.devices().get(0).strays());
        assertEquals(0, none.devices().get(0).staleUses(), "no late DMA, nothing exposed");

        SimulationReport whole = run(LAZY, nic(""), "virtual-time = 10ms", dir.resolve("default"));
        SimulationReport.Device w = whole.devices().get(0);
        assertTrue(w.staleUses() > 0, w.toString());
        assertTrue(w.maxStaleUseUnmapsBehind() > 100 && w.maxStaleUseUnmapsBehind() <= 256,
                "the default reach (the flush queue) exposes the whole lazy window: " + w.maxStaleUseUnmapsBehind());

        SimulationReport near = run(LAZY, nic("stray { probability = 0.5, reach = 4 },"), "virtual-time = 10ms",
                dir.resolve("near"));
        SimulationReport.Device n = near.devices().get(0);
        assertTrue(n.staleUses() > 0, n.toString());
        assertTrue(n.maxStaleUseUnmapsBehind() <= 4, "reach = 4 unmaps: " + n.maxStaleUseUnmapsBehind());

        SimulationReport recent = run(LAZY, nic("stray { probability = 0.5, reach-time = 100us },"),
                "virtual-time = 10ms", dir.resolve("time"));
        SimulationReport.Device t = recent.devices().get(0);
        assertTrue(t.staleUses() > 0, t.toString());
        assertTrue(t.maxStaleUseNs() <= 100_000L, "reach-time = 100us: " + t.maxStaleUseNs() + " ns");
        assertTrue(w.maxStaleUseNs() > 100_000L, "the default reaches further: " + w.maxStaleUseNs() + " ns");
    }

    @Test
    void anUntrustedDeviceIsStrictUnderALazyDriver(@TempDir Path dir) throws Exception {
        SimulationReport r = run(LAZY, nic("stray { probability = 0.5 },") + ", "
                + "{ name = nic1, stream = 2, interval = 10us, untrusted = true, stray { probability = 0.5 },"
                + " workload { kind = nic-ring, ring = 64, packet = 2K } }", "virtual-time = 5ms", dir);
        SimulationReport.Device trusted = r.devices().get(0);
        SimulationReport.Device untrusted = r.devices().get(1);
        assertTrue(trusted.staleUses() > 0, "the lazy device is exposed: " + trusted);
        assertTrue(untrusted.strays() > 0 && untrusted.staleUses() == 0, "the untrusted one never: " + untrusted);
        assertEquals(untrusted.unmaps(), untrusted.syncs(), "each of its unmaps synced");
        assertTrue(untrusted.untrusted() && !trusted.untrusted());
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
    }

    @Test
    void storageReReadsHitAndAnAsidWideInvalidationMakesItsQueueRefill(@TempDir Path dir) throws Exception {
        String disk = "{ name = disk, stream = 1, interval = 20us, stray { probability = 0 },"
                + " workload { kind = storage-sg, segments = 8 } }";
        SimulationReport range = run("invalidation = range", disk, "virtual-time = 2ms", dir.resolve("range"));
        SimulationReport asid = run("invalidation = asid", disk, "virtual-time = 2ms", dir.resolve("asid"));
        SimulationReport.Device r = range.devices().get(0);
        SimulationReport.Device a = asid.devices().get(0);
        assertTrue(r.hitRate() > 0.4, "each segment read twice: the re-read hits: " + r);
        assertTrue(r.refills() < r.operations() / 10, "range TLBIs leave the command queue's entries: " + r);
        assertTrue(a.refills() >= a.operations() - 2, "NH_ASID drops the queue's entry every I/O: " + a);
    }
}
