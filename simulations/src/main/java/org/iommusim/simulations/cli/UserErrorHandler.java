package org.iommusim.simulations.cli;

import picocli.CommandLine;

/**
 * Turns a bad-input exception from a subcommand into one clear line on
 * stderr and exit code 2, instead of a stack trace. Anything else is a bug
 * and keeps its trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (ex instanceof UserError || ex instanceof IllegalArgumentException) {
            cmd.getErr().println(cmd.getCommandName() + ": " + ex.getMessage());
            cmd.getErr().flush();
            return USAGE;
        }
        throw ex;
    }
}
