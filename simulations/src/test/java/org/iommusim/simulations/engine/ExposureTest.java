package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Costs;
import org.iommusim.simulations.scenario.DeviceDef;
import org.iommusim.simulations.scenario.DomainDef;
import org.iommusim.simulations.scenario.DriverDef;
import org.iommusim.simulations.scenario.RunLength;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.SmmuDef;
import org.iommusim.simulations.scenario.StreamDef;
import org.iommusim.simulations.scenario.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exposure measured from the caches, not from the device's late DMAs (which
 * these NICs never issue): a lazy driver's unmapped buffers stay translatable
 * until the flush covering them, so at a high packet rate the first of a
 * full 256-entry flush queue is exposed for almost the whole queue, and at a
 * low rate for the 10 ms flush timeout; a strict driver's until its sync.
 */
class ExposureTest {
    /** Room for the ring and a whole flush queue of unmapped buffers, so eviction does not end a window early. */
    private static final SmmuCapabilities BIG = SmmuCapabilities.builder().iotlbEntries(1024)
            .iotlbPolicy(IotlbPolicy.LRU).build();

    private static Scenario nic(DriverDef.Strategy strategy, long intervalNs, long virtualNanos) {
        DriverDef driver = new DriverDef(strategy, DriverDef.Invalidation.RANGE, 512, 64, 256, 10_000_000L, 1,
                DriverDef.Stage2Invalidation.S12_VMALL);
        DeviceDef nic = new DeviceDef("nic0", 0, 16, 1, new Workload.NicRing(64, 2048, 4), intervalNs);
        return new Scenario("exposure", "(code)", "test", 11, new RunLength(0, virtualNanos), Costs.defaults(),
                List.of(new SmmuDef(0, BIG)),
                List.of(new DomainDef(DomainId.of(1), 0, DomainSpec.stage1(Granule.G4K, 48, 48, 1))),
                List.of(new StreamDef(0, 16, SteConfig.STAGE1, DomainId.of(1), null, -1)),
                driver, List.of(withoutStrays(nic)), List.of());
    }

    private static DeviceDef withoutStrays(DeviceDef d) {
        return new DeviceDef(d.name(), d.smmu(), d.sid(), d.weight(), d.workload(), d.intervalNs(), false,
                new DeviceDef.Stray(0, 0, 0));
    }

    @Test
    void lazyAtAHighRateExposesNearlyTheWholeFlushQueue(@TempDir Path dir) throws Exception {
        SimulationReport r = Simulation.run(nic(DriverDef.Strategy.LAZY, 1_000, 3_000_000L), dir, false, p -> {});
        SimulationReport.Device d = r.devices().get(0);
        assertEquals(0, d.strays(), "no late DMA: the figures come from the caches alone");
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(d.maxUnmapsBehind() >= 200 && d.maxUnmapsBehind() <= 255,
                "the oldest of a 256-entry queue stays cached until the flush: " + d.maxUnmapsBehind());
        assertEquals(d.maxUnmapsBehind(), r.staleWindow().maxUnmapsBehind());
        assertTrue(r.staleWindow().maxNs() < 10_000_000L, "the queue fills before the timer: " + r.staleWindow());
    }

    @Test
    void lazyAtALowRateExposesForTheFlushTimeout(@TempDir Path dir) throws Exception {
        SimulationReport r = Simulation.run(nic(DriverDef.Strategy.LAZY, 100_000, 60_000_000L), dir, false, p -> {});
        SimulationReport.Device d = r.devices().get(0);
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(d.maxExposureNs() >= 9_500_000L && d.maxExposureNs() <= 10_500_000L,
                "about the 10 ms timeout: " + d.maxExposureNs());
        assertTrue(d.maxUnmapsBehind() < 200, "the timer flushes long before the queue fills: " + d.maxUnmapsBehind());
    }

    @Test
    void strictExposureEndsAtTheSync(@TempDir Path dir) throws Exception {
        SimulationReport r = Simulation.run(nic(DriverDef.Strategy.STRICT, 1_000, 3_000_000L), dir, false, p -> {});
        SimulationReport.Device d = r.devices().get(0);
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertEquals(d.unmaps(), d.exposed(), "every buffer was cached when unmapped (its packet had just landed)");
        assertEquals(0, d.maxUnmapsBehind(), "each window closes at its own unmap's sync");
        assertTrue(d.maxExposureNs() > 0 && d.maxExposureNs() < 2_000, "unmap to CMD_SYNC: " + d.maxExposureNs());
    }
}
