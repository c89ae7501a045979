package org.iommusim.simulations.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code iommu-sim} command line: one subcommand per job. */
@Command(name = "iommu-sim",
        mixinStandardHelpOptions = true,
        version = "iommu-sim 0.1.0",
        description = "An event-sourced model of Arm SMMUv3 IOMMUs: simulate, decode, replay.",
        subcommands = {SimulateCommand.class, ExploreCommand.class, DecodeCommand.class, BenchCommand.class, ValidateCommand.class, org.iommusim.simulations.replay.InspectCommand.class, org.iommusim.simulations.replay.LogCommand.class, org.iommusim.simulations.replay.StateCommand.class, org.iommusim.simulations.replay.ExportCommand.class,
                org.iommusim.simulations.replay.TraceCommand.class, org.iommusim.simulations.replay.TranslateCommand.class,
                org.iommusim.simulations.replay.VerifyCommand.class,
                CompareCommand.class,
                org.iommusim.simulations.cluster.ClusterCommand.class,
                CommandLine.HelpCommand.class})
public final class IommuSimCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Logback with an MDC that reuses its slots (this JVM is the command line's own)
        org.iommusim.simulations.logging.CliLoggingProvider.select();
        // initialise logging before Pekko logs anything, so nothing is buffered and replayed with a warning
        org.slf4j.LoggerFactory.getILoggerFactory();
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        return new CommandLine(new IommuSimCli())
                .setExecutionExceptionHandler(new UserErrorHandler())
                .setParameterExceptionHandler(new UsageErrorHandler());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand (try 'iommu-sim help')");
    }
}
