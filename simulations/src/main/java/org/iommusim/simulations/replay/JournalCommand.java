package org.iommusim.simulations.replay;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.iommusim.persistence.replay.JournalReadException;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.simulations.cli.UserError;
import org.iq80.leveldb.DBException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every replay subcommand shares: {@code --journal DIR}, a
 * {@link JournalReader} on a private copy (so the journal is never changed),
 * closed however the command ends, every read problem turned into a one-line
 * {@link UserError} (exit 2), and buffered output.
 */
public abstract class JournalCommand implements Callable<Integer> {

    @Option(names = "--journal", required = true, paramLabel = "DIR",
            description = "data directory of an earlier run (holding journal/ and snapshots/), or its journal/")
    Path journal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16), false);
        try (JournalReader reader = JournalReader.open(journal)) {
            return run(reader, out);
        } catch (JournalReadException e) {
            throw new UserError(e.getMessage(), e);
        } catch (DBException e) {
            throw new UserError("cannot read journal " + journal + ": " + e.getMessage(), e);
        } finally {
            out.flush();
        }
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
