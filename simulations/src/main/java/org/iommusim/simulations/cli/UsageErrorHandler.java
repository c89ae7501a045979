package org.iommusim.simulations.cli;

import picocli.CommandLine;

/**
 * A command line picocli cannot parse (an unknown option, a value of the
 * wrong type, a missing subcommand) is unusable input like any other: one
 * line on stderr naming the problem and where the usage is, exit 2, rather
 * than the whole usage text.
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String help = cmd.getParent() == null ? "iommu-sim help" : "iommu-sim help " + cmd.getCommandName();
        cmd.getErr().println(name + ": " + ex.getMessage().strip().replace('\n', ' ') + " (usage: '" + help + "')");
        cmd.getErr().flush();
        return UserErrorHandler.USAGE;
    }
}
