package org.iommusim.simulations.replay;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.iommusim.persistence.replay.JournalDamagedException;
import org.iommusim.persistence.replay.JournalReadException;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.simulations.cli.UserError;
import org.iq80.leveldb.DBException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every replay subcommand shares: {@code --journal DIR}, a
 * {@link JournalReader} on a private copy (so the journal is never changed)
 * that has checked the whole journal first, closed however the command ends,
 * every read problem turned into a one-line {@link UserError} (exit 2): a
 * damaged journal (naming the file, the entity and the range) and an empty
 * one included; and buffered output.
 */
public abstract class JournalCommand implements Callable<Integer> {

    @Option(names = "--journal", required = true, paramLabel = "DIR|JDBC-URL",
            description = "data directory of an earlier run (holding journal/ and snapshots/), its journal/,"
                    + " a simulation's --out folder, or a cluster's SQL journal, jdbc:postgresql://HOST:PORT/DB"
                    + " (user and password from IOMMU_SIM_JDBC_USER and IOMMU_SIM_JDBC_PASSWORD, or the"
                    + " configuration's iommu-sim.cluster.jdbc)")
    String journal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16), false);
        Path sqlCopy = null;
        try (JournalReader reader = JournalReader.open(journal.startsWith("jdbc:")
                ? (sqlCopy = SqlJournalCopy.of(journal)) : Path.of(journal))) {
            if (reader.findings().empty()) {
                return refuse(new UnusableJournal("journal " + (sqlCopy != null ? journal : reader.location().dataDir())
                        + " is empty: no event was recorded in it", null), out);
            }
            for (String note : reader.findings().notes()) {
                if (!notesInOutput()) {
                    spec.commandLine().getErr().println(spec.name() + ": note: " + note);
                }
            }
            return run(reader, out);
        } catch (JournalDamagedException e) {
            return refuse(new UnusableJournal(e.getMessage(), e), out);
        } catch (JournalReadException e) {
            throw new UserError(e.getMessage(), e);
        } catch (DBException e) {
            throw new UserError("cannot read journal " + journal + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        } finally {
            SqlJournalCopy.delete(sqlCopy);
            out.flush();
            spec.commandLine().getErr().flush();
        }
    }

    /** A journal that is damaged or empty: a one-line refusal (exit 2), or, for {@code verify}, a failure. */
    protected static final class UnusableJournal extends RuntimeException {
        UnusableJournal(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Refuses a damaged or empty journal: one line and exit 2 ({@link UserError}); {@code verify} fails instead. */
    protected int refuse(UnusableJournal why, PrintWriter out) {
        throw new UserError(why.getMessage(), why.getCause());
    }

    /** Whether the subcommand prints the check's notes (a log read up to a crash's cut) itself, in its output. */
    protected boolean notesInOutput() {
        return false;
    }

    /**
     * For a journal written before events carried causal stamps: says on
     * stderr that entities are aligned by write time ({@link CausalOrder#UNSTAMPED_NOTE}).
     * Returns whether the journal is stamped.
     */
    protected boolean stampedOrNote(JournalReader reader) {
        if (CausalOrder.stamped(reader)) {
            return true;
        }
        spec.commandLine().getErr().println(spec.name() + ": " + CausalOrder.UNSTAMPED_NOTE);
        return false;
    }

    /** Runs the subcommand on an open reader; returns the exit code. */
    protected abstract int run(JournalReader reader, PrintWriter out);

    /** {@code id} if the journal has that entity, else a {@link UserError} listing some it has. */
    static String entity(JournalReader reader, String id) {
        if (reader.contains(id)) {
            return id;
        }
        List<String> known = reader.persistenceIds();
        String some = known.isEmpty() ? "none" : String.join(", ", known.subList(0, Math.min(8, known.size())))
                + (known.size() > 8 ? ", ... (" + known.size() + " in all)" : "");
        throw new UserError("no entity '" + id + "' in " + reader.location().dataDir() + "; entities: " + some);
    }
}
