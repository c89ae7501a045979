package org.iommusim.simulations.engine;

import java.util.List;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.simulations.scenario.Costs;
import org.iommusim.simulations.scenario.DeviceDef;
import org.iommusim.simulations.scenario.DomainDef;
import org.iommusim.simulations.scenario.DriverDef;
import org.iommusim.simulations.scenario.FaultInjection;
import org.iommusim.simulations.scenario.RunLength;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.SmmuDef;
import org.iommusim.simulations.scenario.StreamDef;
import org.iommusim.simulations.scenario.Workload;

/** Small scenarios built in code, so engine tests do not depend on scenario files. */
final class TestScenarios {
    private TestScenarios() {}

    static final SmmuCapabilities CAPS = SmmuCapabilities.builder().iotlbEntries(256).iotlbPolicy(IotlbPolicy.LRU).build();

    static DriverDef driver(DriverDef.Strategy s) {
        return new DriverDef(s, DriverDef.Invalidation.RANGE, 512, 64, 32, 200_000L, 1,
                DriverDef.Stage2Invalidation.S12_VMALL);
    }

    /** {@link #nic}'s devices on 64K-granule domains: every buffer, window and TLBI in 64K pages. */
    static Scenario nic64k(DriverDef driver, long ops) {
        return nicAndRandom("test-nic-64k", Granule.G64K, driver, ops, List.of());
    }

    /** A random-access device alone over 32M of 64K pages: twice what a 256-entry TLB reaches. */
    static Scenario random64k(long ops) {
        return new Scenario("test-random-64k", "(code)", "test", 7, new RunLength(ops, 0), Costs.defaults(),
                List.of(new SmmuDef(0, CAPS)),
                List.of(new DomainDef(DomainId.of(1), 0, DomainSpec.stage1(Granule.G64K, 48, 48, 1))),
                List.of(new StreamDef(0, 17, SteConfig.STAGE1, DomainId.of(1), null, -1)),
                driver(DriverDef.Strategy.STRICT),
                List.of(new DeviceDef("dma1", 0, 17, 1, new Workload.RandomAccess(32 << 20, 0.3))),
                List.of());
    }

    /** A NIC alone (a 16-buffer ring in a 256-entry TLB): nothing else evicts what its unmaps leave cached. */
    static Scenario nicAlone(DriverDef driver, long ops, List<FaultInjection> faults) {
        return new Scenario("test-nic-alone", "(code)", "test", 7, new RunLength(ops, 0), Costs.defaults(),
                List.of(new SmmuDef(0, CAPS)),
                List.of(new DomainDef(DomainId.of(1), 0, DomainSpec.stage1(Granule.G4K, 48, 48, 1))),
                List.of(new StreamDef(0, 16, SteConfig.STAGE1, DomainId.of(1), null, -1)),
                driver,
                List.of(new DeviceDef("nic0", 0, 16, 1, new Workload.NicRing(16, 2048, 4))),
                faults);
    }

    static Scenario nic(DriverDef driver, long ops, List<FaultInjection> faults) {
        return nicAndRandom("test-nic", Granule.G4K, driver, ops, faults);
    }

    private static Scenario nicAndRandom(String name, Granule granule, DriverDef driver, long ops,
            List<FaultInjection> faults) {
        return new Scenario(name, "(code)", "test", 7, new RunLength(ops, 0), Costs.defaults(),
                List.of(new SmmuDef(0, CAPS)),
                List.of(new DomainDef(DomainId.of(1), 0, DomainSpec.stage1(granule, 48, 48, 1)),
                        new DomainDef(DomainId.of(2), 0, DomainSpec.stage1(granule, 48, 48, 2))),
                List.of(new StreamDef(0, 16, SteConfig.STAGE1, DomainId.of(1), null, -1),
                        new StreamDef(0, 17, SteConfig.STAGE1, DomainId.of(2), null, -1)),
                driver,
                List.of(new DeviceDef("nic0", 0, 16, 1, new Workload.NicRing(16, 2048, 4)),
                        new DeviceDef("dma1", 0, 17, 1, new Workload.RandomAccess(1 << 20, 0.3))),
                faults);
    }

    static Scenario nested(DriverDef.Stage2Invalidation how, long ops) {
        DriverDef d = new DriverDef(DriverDef.Strategy.STRICT, DriverDef.Invalidation.RANGE, 512, 64, 256, 10_000_000L,
                1, how);
        return new Scenario("test-nested", "(code)", "test", 3, new RunLength(ops, 0), Costs.defaults(),
                List.of(new SmmuDef(0, CAPS)),
                List.of(new DomainDef(DomainId.of(2), 0, DomainSpec.stage2(Granule.G4K, 44, 48, 3)),
                        new DomainDef(DomainId.of(3), 0, DomainSpec.nested(DomainId.of(2), Granule.G4K, 48, 44, 7))),
                List.of(new StreamDef(0, 18, SteConfig.NESTED, DomainId.of(3), DomainId.of(2), 3)),
                d, List.of(new DeviceDef("guest0", 0, 18, 1, new Workload.NestedGuest(64 << 10, 50))), List.of());
    }

    /** One NIC paced at one packet per {@code intervalNs}, for {@code virtualNanos} of virtual time. */
    static Scenario paced(DriverDef driver, long virtualNanos, long intervalNs) {
        return new Scenario("test-paced", "(code)", "test", 5, new RunLength(0, virtualNanos), Costs.defaults(),
                List.of(new SmmuDef(0, CAPS)),
                List.of(new DomainDef(DomainId.of(1), 0, DomainSpec.stage1(Granule.G4K, 48, 48, 1))),
                List.of(new StreamDef(0, 16, SteConfig.STAGE1, DomainId.of(1), null, -1)),
                driver, List.of(new DeviceDef("nic0", 0, 16, 1, new Workload.NicRing(64, 2048, 4), intervalNs)),
                List.of());
    }
}
