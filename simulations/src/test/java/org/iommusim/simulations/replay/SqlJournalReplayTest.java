package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.cluster.Postgres;
import org.iommusim.cluster.SqlJournal;
import org.iommusim.persistence.replay.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay subcommands on a run's LevelDB journal and on the same run's
 * journal in SQL ({@code --journal jdbc:...}): the same output, line for
 * line; a gap in the SQL rows is refused as LevelDB damage is.
 */
class SqlJournalReplayTest {
    private static final List<List<String>> COMMANDS = List.of(List.of("inspect"), List.of("log"),
            List.of("log", "--json"), List.of("log", "--entity", "smmu-0/sid-16"), List.of("verify"));

    @Test
    void h2GivesTheSameOutputAsLevelDb(@TempDir Path dir) throws Exception {
        sameOutput(new JdbcJournal("jdbc:h2:mem:replay;DB_CLOSE_DELAY=-1", "", ""), dir);
    }

    @Test
    void postgresGivesTheSameOutputAsLevelDb(@TempDir Path dir) throws Exception {
        sameOutput(Postgres.journal(), dir);
    }

    /** The journal as the command line names it: credentials in the URL (the CLI's others are the environment's). */
    static String cliUrl(JdbcJournal sql) {
        if (sql.user().isEmpty()) {
            return sql.url();
        }
        return sql.url() + (sql.isH2() ? ";USER=" + sql.user() + ";PASSWORD=" + sql.password()
                : (sql.url().contains("?") ? "&" : "?") + "user=" + sql.user() + "&password=" + sql.password());
    }

    private static void sameOutput(JdbcJournal sql, Path dir) throws Exception {
        Path data = dir.resolve("run");
        SmmuRecordedHistory.write(data);
        sql.createSchema();
        sql.truncate();
        long rows;
        try (JournalReader reader = JournalReader.open(data)) {
            rows = SqlJournal.copy(reader, sql);
        }
        assertTrue(rows > 10, rows + " rows");
        for (List<String> c : COMMANDS) {
            ReplayCli level = ReplayCli.run(args(c, data.toString()));
            assertEquals(0, level.exitCode(), c + ": " + level.err());
            ReplayCli fromSql = ReplayCli.run(args(c, cliUrl(sql)));
            assertEquals(0, fromSql.exitCode(), c + ": " + fromSql.err());
            assertEquals(level.out(), fromSql.out(), c + " on " + sql.url());
            assertEquals(level.err(), fromSql.err(), c + " on " + sql.url());
        }
        Path exportA = dir.resolve("a");
        Path exportB = dir.resolve("b");
        assertEquals(0, ReplayCli.run("export", "--journal", data.toString(), "--out", exportA.toString()).exitCode());
        assertEquals(0, ReplayCli.run("export", "--journal", cliUrl(sql), "--out", exportB.toString()).exitCode());
        assertEquals(Files.readString(exportA), Files.readString(exportB), "export");

        // a row gone from the middle of an entity: refused, naming the table, the entity and the range
        try (var c = sql.connect(); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM \"event_journal\" WHERE \"persistence_id\" = 'smmu-0' AND \"sequence_number\" = 3");
        }
        ReplayCli gap = ReplayCli.run("inspect", "--journal", cliUrl(sql));
        assertEquals(2, gap.exitCode(), gap.out() + gap.err());
        assertTrue(gap.err().contains("event_journal") && gap.err().contains("smmu-0 #3..#3 lost"), gap.err());
    }

    private static String[] args(List<String> c, String journal) {
        String[] a = new String[c.size() + 2];
        a[0] = c.get(0);
        a[1] = "--journal";
        a[2] = journal;
        for (int i = 1; i < c.size(); i++) {
            a[i + 2] = c.get(i);
        }
        return a;
    }
}
