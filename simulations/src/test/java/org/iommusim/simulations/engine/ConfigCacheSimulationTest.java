package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.DriverDef;
import org.iommusim.simulations.scenario.FaultInjection;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.SmmuDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulation with a bounded configuration cache: two streams (an STE and a
 * CD each) in a 2-entry cache evict each other; the cache's counters are in
 * the report; the checker's configuration audit judges what the next
 * translation would read, so a dropped CFGI for a stream never cached is no
 * stale configuration (the TCU reads the new STE on its miss), unlike in an
 * unbounded cache that only CFGI loads.
 */
class ConfigCacheSimulationTest {

    private static Scenario bounded(Scenario sc) {
        SmmuDef smmu = new SmmuDef(0, TestScenarios.CAPS.toBuilder()
                .tcu(TcuCaches.defaults().withConfigCache(new CacheShape(2, 2))).build());
        return new Scenario(sc.name(), sc.file(), sc.question(), sc.seed(), sc.length(), sc.costs(), List.of(smmu),
                sc.domains(), sc.streams(), sc.driver(), sc.devices(), sc.faults(), sc.expect());
    }

    @Test
    void theCacheEvictsAndIsReported(@TempDir Path dir) throws Exception {
        SimulationReport r = Simulation.run(bounded(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT),
                600, List.of())), dir, false, p -> {});
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        SimulationReport.TcuCache c = r.iotlb().tcu().stream().filter(t -> t.cache().equals("config")).findFirst()
                .orElseThrow(() -> new AssertionError("no config cache in " + r.iotlb().tcu()));
        assertEquals(2, c.capacity());
        assertTrue(c.misses() > 0 && c.hits() > 0 && c.evictions() > 0, c.toString());
        assertEquals(c.lookups(), c.hits() + c.misses()); // report.json's tcu section writes each of these caches
    }

    @Test
    void aDroppedCfgiOfAStreamNeverCachedIsNoStaleConfiguration(@TempDir Path dir) throws Exception {
        SimulationReport r = Simulation.run(bounded(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT),
                300, List.of(new FaultInjection(FaultInjection.Kind.DROP_CFGI, 1)))), dir, false, p -> {});
        assertTrue(r.checker().violations().stream().noneMatch(v -> v.rule().equals("STALE_CONFIG_AFTER_SYNC")),
                () -> r.checker().violations().toString());
        SimulationReport.Device nic = r.devices().get(0);
        assertTrue(nic.hits() + nic.misses() > 0, "the TCU read the written STE on its miss: the stream translates");
    }
}
