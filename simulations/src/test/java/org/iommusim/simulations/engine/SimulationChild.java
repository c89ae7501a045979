package org.iommusim.simulations.engine;

import java.nio.file.Path;
import org.iommusim.simulations.report.SimulationReport;

/**
 * Runs {@link DeterministicSimulationTest#scenario()} in a fresh run folder
 * (the first argument) and prints the event digest as its last line: what
 * the cross-JVM determinism test starts with one and with two processors.
 */
final class SimulationChild {
    private SimulationChild() {}

    public static void main(String[] args) throws Exception {
        SimulationReport r = Simulation.run(DeterministicSimulationTest.scenario(), Path.of(args[0]), false, p -> {});
        if (r.checker().violationCount() != 0) {
            throw new AssertionError("violations: " + r.checker().violations());
        }
        System.out.println("digest " + r.eventDigest());
        System.exit(0);
    }
}
