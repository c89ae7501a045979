package org.iommusim.simulations.scenario;

import java.util.List;

/**
 * A simulation scenario as loaded from a HOCON file under
 * {@code conf/scenarios/}: the machine (SMMUs, domains, streams), the agents
 * (a driver with its invalidation strategy, devices with their workloads),
 * injected faults, the run's length and its seed.
 *
 * @param file     where it was loaded from (for messages and the report)
 * @param question what the scenario asks, and the expected answer (shown in the report)
 * @param expect   the expected answer in words and as claims the report judges; null when the file has none
 */
public record Scenario(String name, String file, String question, long seed, RunLength length, Costs costs,
        List<SmmuDef> smmus, List<DomainDef> domains, List<StreamDef> streams, DriverDef driver,
        List<DeviceDef> devices, List<FaultInjection> faults, Expectation expect) {

    /** A scenario without an expectation to judge. */
    public Scenario(String name, String file, String question, long seed, RunLength length, Costs costs,
            List<SmmuDef> smmus, List<DomainDef> domains, List<StreamDef> streams, DriverDef driver,
            List<DeviceDef> devices, List<FaultInjection> faults) {
        this(name, file, question, seed, length, costs, smmus, domains, streams, driver, devices, faults, null);
    }

    public Scenario {
        smmus = List.copyOf(smmus);
        domains = List.copyOf(domains);
        streams = List.copyOf(streams);
        devices = List.copyOf(devices);
        faults = List.copyOf(faults);
    }

    public Scenario withSeed(long newSeed) {
        return new Scenario(name, file, question, newSeed, length, costs, smmus, domains, streams, driver, devices,
                faults, expect);
    }
}
