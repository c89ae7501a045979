package org.iommusim.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.replay.JournalDamage;
import org.iommusim.persistence.replay.JournalDamagedException;
import org.iommusim.persistence.replay.JournalReadException;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.PekkoRecordWriter;
import org.iommusim.persistence.replay.SnapshotInfo;
import org.iommusim.persistence.replay.StoredRecords;

/**
 * The SQL journal's rows, read and written as the replay tools need them.
 *
 * <p>{@link #materialize}: the replay tools read a SQL journal by copying its
 * rows, bytes untouched, into a private LevelDB journal in Pekko's layout
 * ({@link PekkoRecordWriter}) and reading that with the same
 * {@link JournalReader}: the same integrity check ({@code JournalCheck}:
 * every payload decodes, counters, snapshots), the same output. The rows are
 * checked first for what only the table shows: a gap in an entity's
 * sequence numbers (Pekko's JDBC journal never leaves one), a snapshot beyond
 * its entity's events.
 *
 * <p>{@link #copy}: a LevelDB run's journal into the SQL journal, as Pekko's
 * JDBC journal would have written it (the tests compare the replay tools on
 * both; the benchmark's raw insert loop is the same statement).
 */
public final class SqlJournal {
    private SqlJournal() {}

    static final String INSERT_EVENT = "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", "
            + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", "
            + "\"event_ser_id\", \"event_ser_manifest\") VALUES (false, ?, ?, ?, ?, '', ?, ?, ?)";

    /**
     * Writes the journal's events and snapshots into a new LevelDB data
     * directory {@code dataDir} (which must not exist) and returns it.
     *
     * @throws JournalDamagedException naming the table, the entity and the range, for a gap
     * @throws JournalReadException when the database cannot be read
     */
    public static Path materialize(JdbcJournal journal, Path dataDir) {
        Map<String, Long> highest = new HashMap<>();
        try (Connection c = journal.connect()) {
            c.setAutoCommit(false); // PostgreSQL streams a result set only inside a transaction
            try (PekkoRecordWriter w = PekkoRecordWriter.create(dataDir, "sql-journal");
                    PreparedStatement q = c.prepareStatement("SELECT \"persistence_id\", \"sequence_number\", "
                            + "\"deleted\", \"writer\", \"write_timestamp\", \"event_ser_id\", \"event_ser_manifest\", "
                            + "\"event_payload\" FROM \"event_journal\" ORDER BY \"persistence_id\", \"sequence_number\"")) {
                q.setFetchSize(1000);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        String pid = rs.getString(1);
                        long seq = rs.getLong(2);
                        long expected = highest.getOrDefault(pid, 0L) + 1;
                        if (seq != expected) {
                            throw damaged(journal, "event_journal", "no row for events #" + expected + ".." + "#"
                                    + (seq - 1), pid + " #" + expected + "..#" + (seq - 1) + " lost");
                        }
                        highest.put(pid, seq);
                        if (rs.getBoolean(3)) {
                            throw damaged(journal, "event_journal", "event #" + seq + " is marked deleted",
                                    pid + " #" + seq + " deleted; the model never deletes events");
                        }
                        w.appendStored(new StoredRecords.Row(pid, seq, rs.getInt(6), rs.getString(7), rs.getBytes(8),
                                rs.getString(4), rs.getLong(5)));
                    }
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT \"persistence_id\", \"sequence_number\", \"created\", "
                    + "\"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\" FROM \"snapshot\" "
                    + "ORDER BY \"persistence_id\", \"sequence_number\"")) {
                q.setFetchSize(100);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        String pid = rs.getString(1);
                        long seq = rs.getLong(2);
                        if (seq > highest.getOrDefault(pid, 0L)) {
                            throw damaged(journal, "snapshot", "snapshot at #" + seq + " beyond the entity's "
                                    + highest.getOrDefault(pid, 0L) + " events", pid + " #" + seq);
                        }
                        PekkoRecordWriter.snapshotStored(dataDir, pid, seq, rs.getLong(3), rs.getInt(4),
                                rs.getString(5), rs.getBytes(6));
                    }
                }
            }
            c.rollback();
        } catch (SQLException | IOException e) {
            throw new JournalReadException("cannot read journal " + journal.url() + ": " + e.getMessage(), e);
        }
        return dataDir;
    }

    private static JournalDamagedException damaged(JdbcJournal journal, String table, String problem, String affected) {
        return new JournalDamagedException(new JournalDamage(Path.of(table), problem + " (in " + journal.url() + ")",
                affected));
    }

    /** Copies every event and snapshot {@code reader} holds into {@code journal}'s tables. */
    public static long copy(JournalReader reader, JdbcJournal journal) {
        long[] rows = {0};
        try (Connection c = journal.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement(INSERT_EVENT)) {
                StoredRecords.each(reader, row -> {
                    try {
                        bind(ins, row);
                        ins.addBatch();
                        if (++rows[0] % 1000 == 0) {
                            ins.executeBatch();
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                ins.executeBatch();
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO \"snapshot\" (\"persistence_id\", "
                    + "\"sequence_number\", \"created\", \"snapshot_ser_id\", \"snapshot_ser_manifest\", "
                    + "\"snapshot_payload\") VALUES (?, ?, ?, ?, ?, ?)")) {
                for (SnapshotInfo s : reader.snapshots()) {
                    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(s.file())).order(ByteOrder.LITTLE_ENDIAN);
                    int header = b.getInt();
                    int serId = b.getInt();
                    byte[] manifest = new byte[header - 4];
                    b.get(manifest);
                    byte[] payload = new byte[b.remaining()];
                    b.get(payload);
                    ins.setString(1, s.persistenceId());
                    ins.setLong(2, s.sequenceNr());
                    ins.setLong(3, s.timestamp());
                    ins.setInt(4, serId);
                    ins.setString(5, new String(manifest, StandardCharsets.UTF_8));
                    ins.setBytes(6, payload);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            c.commit();
        } catch (SQLException | IOException | IllegalStateException e) {
            throw new IllegalStateException("cannot copy into " + journal.url() + ": " + e.getMessage(), e);
        }
        return rows[0];
    }

    static void bind(PreparedStatement ins, StoredRecords.Row row) throws SQLException {
        ins.setString(1, row.persistenceId());
        ins.setLong(2, row.sequenceNr());
        ins.setString(3, row.writerUuid());
        ins.setLong(4, row.timestamp());
        ins.setBytes(5, row.payload());
        ins.setInt(6, row.serializerId());
        ins.setString(7, row.manifest());
    }
}
