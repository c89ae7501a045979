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
        Throwable problem = userProblem(ex);
        if (problem != null) {
            cmd.getErr().println(cmd.getCommandName() + ": " + problem.getMessage());
            cmd.getErr().flush();
            return USAGE;
        }
        throw ex;
    }

    /**
     * The user's problem behind {@code ex}, if it is one: bad input, or a journal
     * that cannot be used, has failed (a full disk is the user's to fix, not a
     * bug) or is damaged, wherever it sits in the chain of causes.
     */
    private static Throwable userProblem(Throwable ex) {
        if (ex instanceof UserError || ex instanceof IllegalArgumentException) {
            return ex;
        }
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.iommusim.persistence.journal.JournalUnavailableException
                    || (t instanceof org.iommusim.actors.api.ModelException m
                            && (m.kind() == org.iommusim.actors.api.ModelException.Kind.JOURNAL_FAILED
                                    || m.kind() == org.iommusim.actors.api.ModelException.Kind.JOURNAL_UNAVAILABLE
                                    || m.kind() == org.iommusim.actors.api.ModelException.Kind.JOURNAL_DAMAGED))) {
                return t;
            }
        }
        return null;
    }
}
