package org.iommusim.simulations.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;

/** A scenario setting every key maps onto the records, and one setting the fewest keys gets the defaults. */
class ScenarioMappingTest {
    private final Scenario full = ScenarioLoader.load(ScenarioFixtures.fixture("full.conf"));

    @Test
    void topLevelKeys() {
        assertEquals("full", full.name());
        assertTrue(full.file().endsWith("full.conf"));
        assertEquals("Does every key map onto the records? Expected: yes.", full.question());
        assertEquals(42, full.seed());
        assertEquals(new RunLength(20_000, 50_000_000), full.length());
        assertEquals(new Costs(10, 60, 55, 40, 1_000, 300, 20), full.costs());
    }

    @Test
    void smmuCapabilities() {
        assertEquals(2, full.smmus().size());
        SmmuDef s = full.smmus().get(0);
        assertEquals(0, s.id());
        SmmuCapabilities c = s.caps();
        assertFalse(c.ril());
        assertTrue(c.hyp());
        assertEquals(8, c.asidBits());
        assertEquals(12, c.sidBits());
        assertEquals(8, c.ssidBits());
        assertEquals(Set.of(Granule.G4K, Granule.G64K), c.granules());
        assertEquals(44, c.oas());
        assertEquals(1024, c.commandQueueCapacity());
        assertEquals(64, c.eventQueueCapacity());
        assertEquals(256, c.iotlbEntries());
        assertEquals(IotlbPolicy.FLUSH_ALL_WHEN_FULL, c.iotlbPolicy());
        assertEquals(9, c.iotlbSeed());
        // a scenario's SMMU without tcu keys has no walk caches (today's scenarios keep their meaning)
        assertEquals(new SmmuDef(1, SmmuCapabilities.builder().tcu(SmmuReader.NO_WALK_CACHES).build()), full.smmus().get(1));
    }

    @Test
    void domainsOfEachStage() {
        assertEquals(List.of(
                new DomainDef(DomainId.of(1), 0, DomainSpec.stage1(Granule.G4K, 48, 44, 1)),
                new DomainDef(DomainId.of(2), 0, DomainSpec.stage2(Granule.G64K, 44, 44, 3)),
                new DomainDef(DomainId.of(3), 0, DomainSpec.nested(DomainId.of(2), Granule.G4K, 48, 44, 7)),
                new DomainDef(DomainId.of(4), 1, DomainSpec.stage1(Granule.G4K, 48, 48, 4))),
                full.domains());
    }

    @Test
    void streamsDeriveTheirDomainsAndVmid() {
        assertEquals(List.of(
                new StreamDef(0, 16, SteConfig.STAGE1, DomainId.of(1), null, -1),
                new StreamDef(0, 17, SteConfig.STAGE2, null, DomainId.of(2), 3),
                // nested: stage 1 is the nested domain, stage 2 and the VMID come from its parent
                new StreamDef(0, 18, SteConfig.NESTED, DomainId.of(3), DomainId.of(2), 3),
                new StreamDef(0, 19, SteConfig.BYPASS, null, null, -1),
                new StreamDef(1, 16, SteConfig.STAGE1, DomainId.of(4), null, -1)),
                full.streams());
    }

    @Test
    void driver() {
        assertEquals(new DriverDef(DriverDef.Strategy.LAZY, DriverDef.Invalidation.PER_PAGE, 256, 32, 128,
                5_000_000, 4, DriverDef.Stage2Invalidation.S2_IPA_ONLY), full.driver());
    }

    @Test
    void devicesAndWorkloads() {
        assertEquals(List.of(
                new DeviceDef("nic0", 0, 16, 3, new Workload.NicRing(256, 2048, 4)),
                // no smmu key: the SMMU of the only stream 17
                new DeviceDef("dma1", 0, 17, 1, new Workload.RandomAccess(1 << 20, 0.3)),
                new DeviceDef("disk0", 1, 16, 1, new Workload.StorageSg(16, 4096)),
                new DeviceDef("guest0", 0, 18, 1, new Workload.NestedGuest(256 << 10, 500))),
                full.devices());
    }

    @Test
    void faults() {
        assertEquals(List.of(
                new FaultInjection(FaultInjection.Kind.DROP_TLBI, 10),
                new FaultInjection(FaultInjection.Kind.DROP_CFGI, 1),
                new FaultInjection(FaultInjection.Kind.SKIP_SYNC, 3),
                new FaultInjection(FaultInjection.Kind.CRASH, 5000)),
                full.faults());
    }

    @Test
    void absentKeysTakeTheirDefaults() {
        Scenario min = ScenarioLoader.load(ScenarioFixtures.fixture("minimal.conf"));
        assertEquals(1, min.seed());
        assertEquals(new RunLength(0, 1_000_000), min.length());
        assertEquals(Costs.defaults(), min.costs());
        assertEquals(SmmuCapabilities.builder().tcu(SmmuReader.NO_WALK_CACHES).build(), min.smmus().get(0).caps());
        assertEquals(DomainSpec.stage1(Granule.G4K, 48, 48, 1), min.domains().get(0).spec());
        assertEquals(DriverDef.strict(), min.driver());
        assertEquals(new DeviceDef("d", 0, 1, 1, new Workload.RandomAccess(64 << 10, 0.0)), min.devices().get(0));
        assertTrue(min.faults().isEmpty());
        assertNull(min.streams().get(0).s2Domain());
    }
}
