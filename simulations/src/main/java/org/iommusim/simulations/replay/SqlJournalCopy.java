package org.iommusim.simulations.replay;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.cluster.SqlJournal;
import org.iommusim.persistence.replay.JournalReadException;

/**
 * {@code --journal jdbc:...}: the SQL journal's rows in a temporary LevelDB
 * data directory ({@link SqlJournal#materialize}), read by the same
 * {@code JournalReader} and checks as a LevelDB run's, removed when the
 * command ends.
 */
final class SqlJournalCopy {
    private SqlJournalCopy() {}

    static Path of(String url) {
        JdbcJournal journal = JdbcJournal.at(url, ConfigFactory.load());
        Path tmp;
        try {
            tmp = Files.createTempDirectory("iommu-sim-sql-journal");
        } catch (IOException e) {
            throw new JournalReadException("cannot create a temporary journal: " + e.getMessage(), e);
        }
        try {
            return SqlJournal.materialize(journal, tmp.resolve("data"));
        } catch (RuntimeException e) {
            delete(tmp.resolve("data"));
            throw e;
        }
    }

    /** Removes a copy {@link #of} made (its parent temporary directory with it); null: nothing. */
    static void delete(Path data) {
        if (data == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(data.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary copy left behind loses nothing
        }
    }
}
