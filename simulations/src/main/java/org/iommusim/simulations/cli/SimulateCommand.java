package org.iommusim.simulations.cli;

import java.util.concurrent.Callable;
import org.iommusim.simulations.demo.Demonstration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code iommu-sim simulate}: the main job. Until the simulation engine lands it runs a demonstration. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a simulation (for now: a demonstration of the command encodings a Linux driver sends).")
final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        new Demonstration(spec.commandLine().getOut()).run();
        return 0;
    }
}
