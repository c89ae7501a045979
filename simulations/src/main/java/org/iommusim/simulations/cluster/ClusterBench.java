package org.iommusim.simulations.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.cluster.ClusterDriver;
import org.iommusim.cluster.ClusterNode;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.persistence.replay.StoredRecords;
import org.iommusim.protocol.capability.SmmuCapabilities;

/**
 * {@code iommu-sim cluster --bench SECONDS}: durable commands per second with
 * 1, 2 and 3 nodes in this JVM (127.0.0.1, port 0) on the configured SQL
 * journal, under a {@link PipelinedLoad}: {@code lanes} lanes, each keeping one
 * durable command outstanding, to SMMU {@code lane mod smmus} (default
 * {@link #DEFAULT_SMMUS}) through node
 * {@code smmu mod n} (so most requests cross a node), each command answered
 * only once its events are in the database. Right after the 1-node point, the same event rows
 * inserted by a plain JDBC loop into a scratch copy of the table: in batches
 * of 500 (one commit each), and one row per commit.
 * {@code clusterDurableCommandRatio} is the 1-node cluster's event rows per
 * second over the batch loop's. Each point runs {@code SECONDS} unmeasured
 * first (the JIT, the connection pools), then {@code SECONDS} measured; the
 * batch loop runs once unmeasured too. It empties the journal's tables first.
 *
 * <p>On PostgreSQL it also counts the transactions that wrote the measured
 * rows (distinct {@code xmin}) and the entities per transaction: the JDBC
 * journal groups the writes that are waiting when a connection frees up into
 * one transaction, and an event-sourced entity has at most one write waiting
 * (it stashes while persisting), so a transaction can hold no more writes
 * than there are entities writing at once, which the number of SMMUs bounds.
 */
final class ClusterBench {
    /**
     * SMMU partitions unless {@code --smmus} says otherwise: a rack's worth.
     * Each entity writes one event at a time (it stashes while it persists),
     * so the writes the journal can group into one transaction are bounded by
     * the entities writing at once; six partitions gave 1.8 rows per commit.
     */
    static final int DEFAULT_SMMUS = 256;
    static final int MAX_SMMUS = 512;

    private ClusterBench() {}

    /** {@code smmus} when 1 to {@link #MAX_SMMUS}; otherwise refused, naming the option and the range. */
    static int checkSmmus(int smmus) {
        if (smmus < 1 || smmus > MAX_SMMUS) {
            throw new org.iommusim.simulations.cli.UserError("--smmus must be 1 to " + MAX_SMMUS
                    + " (SMMU partitions the benchmark drives), got " + smmus);
        }
        return smmus;
    }

    static void run(Config user, JdbcJournal journal, Path conf, int seconds, int lanes, int smmus, PrintWriter out)
            throws Exception {
        checkSmmus(smmus);
        journal.createSchema();
        out.printf("cluster benchmark: %d SMMUs, %d lanes, %d s per point, journal %s, %d cores%n", smmus, lanes,
                seconds, journal.url(), Runtime.getRuntime().availableProcessors());
        double oneNodeRows = 0;
        List<StoredRecords.Row> rows = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            journal.truncate();
            Config cfg = ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.cluster.seed-nodes = []").withFallback(user);
            List<ClusterNode> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    ClusterNode node = ClusterNode.start(cfg, journal, k -> SmmuCapabilities.defaults(),
                            ClusterCommand.options(conf));
                    nodes.add(node);
                    node.join(nodes.get(0).address());
                }
                while (nodes.stream().anyMatch(x -> x.membersUp() < nodes.size())) {
                    Thread.sleep(50);
                }
                // every region registered before the first partition starts: the coordinator then spreads
                // them at once and does not move them (a rebalance under load closes a model mid-command)
                while (nodes.get(0).regions() < nodes.size()) {
                    Thread.sleep(50);
                }
                attachAll(nodes, smmus);
                PipelinedLoad load = new PipelinedLoad(lanes, smmus,
                        (lane, smmu, request) -> nodes.get(smmu % nodes.size()).ask(smmu, request));
                load.start(Long.MAX_VALUE);
                // as long again first, not counted: the JIT, the connection pools, the first crossings
                Thread.sleep(seconds * 1000L);
                long rowsBefore = countRows(journal);
                long lastOrdering = lastOrdering(journal);
                long doneBefore = load.done();
                long cpuBefore = processCpuNanos();
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long rowsAfter = countRows(journal);
                long doneAfter = load.done();
                double secs = (System.nanoTime() - t0) / 1e9;
                long cpu = processCpuNanos() - cpuBefore;
                load.stop();
                PipelinedLoad.Outcome outcome = load.await();
                long eventRows = rowsAfter - rowsBefore;
                out.printf("%d node%s: %8.0f durable commands/s, %8.0f journal rows/s (%d lanes, at most %d in flight;"
                        + " this JVM's CPU %.2f ms per durable command)%n", n, n == 1 ? " " : "s",
                        (doneAfter - doneBefore) / secs, eventRows / secs, lanes, outcome.maxInFlight(),
                        cpu / 1e6 / Math.max(1, doneAfter - doneBefore));
                if (!journal.isH2()) {
                    out.println("  " + transactions(journal, lastOrdering));
                }
                if (outcome.failed() > 0) {
                    out.printf("  %d commands failed; the first: %s%n", outcome.failed(), outcome.firstFailure());
                }
                if (n == 1) {
                    oneNodeRows = eventRows / secs;
                    rows = readRows(journal);
                }
            } finally {
                for (int i = nodes.size() - 1; i >= 0; i--) {
                    nodes.get(i).close();
                }
            }
            if (n == 1) {
                // right after the 1-node point, so both see the same machine (other work on it moves both)
                rawInsert(journal, rows, 500, true); // once first, not counted, as the cluster's warm-up
                double batch = rawInsert(journal, rows, 500, true);
                double bare = rawInsert(journal, rows, 500, false);
                double single = rawInsert(journal, rows.subList(0, Math.min(rows.size(), 2000)), 1, true);
                out.printf("raw JDBC, the 1-node run's %d rows: %8.0f rows/s in batches of 500 into a copy of the"
                        + " journal's table (its primary key and ordering index), %8.0f rows/s into a bare copy"
                        + " (no key, no index), %8.0f rows/s one per commit%n", rows.size(), batch, bare, single);
                out.printf("clusterDurableCommandRatio = %.3f (1-node journal rows/s over the keyed batch loop's;"
                        + " goal >= 0.5; over the bare copy's: %.3f)%n", oneNodeRows / batch, oneNodeRows / bare);
                out.flush();
            }
        }
        out.flush();
    }

    /** Every SMMU's domain, CD, STE and CFGI + CMD_SYNC (four durable commands each), 16 SMMUs at a time. */
    private static void attachAll(List<ClusterNode> nodes, int smmus) {
        List<java.util.concurrent.CompletableFuture<Void>> all = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (int s = 0; s < smmus; s++) {
                ClusterDriver d = new ClusterDriver(nodes.get(s % nodes.size()), s);
                all.add(java.util.concurrent.CompletableFuture.runAsync(d::attach, pool));
            }
            java.util.concurrent.CompletableFuture.allOf(all.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .join();
        } finally {
            pool.shutdown();
        }
    }

    private static long lastOrdering(JdbcJournal journal) throws SQLException {
        try (Connection c = journal.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(\"ordering\"), 0) FROM \"event_journal\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The transactions that wrote the rows after {@code ordering} (PostgreSQL:
     * a row's {@code xmin} is the transaction that inserted it): how many, rows
     * and distinct entities per transaction on average and at most.
     */
    private static String transactions(JdbcJournal journal, long ordering) throws SQLException {
        try (Connection c = journal.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), AVG(n), MAX(n), AVG(p), MAX(p) FROM (SELECT"
                        + " COUNT(*) AS n, COUNT(DISTINCT persistence_id) AS p FROM event_journal WHERE ordering > "
                        + ordering + " GROUP BY xmin::text) t")) {
            rs.next();
            return String.format("journal transactions: %d, rows per transaction %.1f (at most %d), entities per"
                    + " transaction %.1f (at most %d)", rs.getLong(1), rs.getDouble(2), rs.getLong(3),
                    rs.getDouble(4), rs.getLong(5));
        }
    }

    /** CPU time of this JVM, all threads (the nodes, the load; not the database's). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long countRows(JdbcJournal journal) throws SQLException {
        try (Connection c = journal.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<StoredRecords.Row> readRows(JdbcJournal journal) throws SQLException {
        List<StoredRecords.Row> rows = new ArrayList<>();
        try (Connection c = journal.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"persistence_id\", \"sequence_number\", \"event_ser_id\", "
                        + "\"event_ser_manifest\", \"event_payload\", \"writer\", \"write_timestamp\" "
                        + "FROM \"event_journal\" ORDER BY \"ordering\"")) {
            while (rs.next()) {
                rows.add(new StoredRecords.Row(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4),
                        rs.getBytes(5), rs.getString(6), rs.getLong(7)));
            }
        }
        return rows;
    }

    /**
     * Inserts {@code rows} into a fresh scratch copy of the events table; rows
     * per second. {@code keyed}: the copy has the journal's primary key and
     * ordering index, which every journal write maintains (the floor of
     * writing these rows as a journal, as the LevelDB floor writes the same
     * keys); otherwise a bare heap, cheaper than any journal can be.
     */
    static double rawInsert(JdbcJournal journal, List<StoredRecords.Row> rows, int batch, boolean keyed)
            throws SQLException {
        try (Connection c = journal.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS \"raw_bench\"");
                s.execute("CREATE TABLE \"raw_bench\" AS SELECT * FROM \"event_journal\" WHERE 1 = 0");
                if (keyed) { // the journal's own (JdbcJournal's schema)
                    for (String column : new String[] {"persistence_id", "sequence_number", "ordering"}) {
                        s.execute("ALTER TABLE \"raw_bench\" ALTER COLUMN \"" + column + "\" SET NOT NULL");
                    }
                    s.execute("ALTER TABLE \"raw_bench\" ADD PRIMARY KEY (\"persistence_id\", \"sequence_number\")");
                    s.execute("CREATE UNIQUE INDEX \"raw_bench_ordering_idx\" ON \"raw_bench\" (\"ordering\")");
                }
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO \"raw_bench\" (\"ordering\", \"deleted\", "
                    + "\"persistence_id\", \"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", "
                    + "\"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
                    + "VALUES (?, false, ?, ?, ?, ?, '', ?, ?, ?)")) {
                int pending = 0;
                long ordering = 0;
                for (StoredRecords.Row r : rows) {
                    ins.setLong(1, ++ordering);
                    ins.setString(2, r.persistenceId());
                    ins.setLong(3, r.sequenceNr());
                    ins.setString(4, r.writerUuid());
                    ins.setLong(5, r.timestamp());
                    ins.setBytes(6, r.payload());
                    ins.setInt(7, r.serializerId());
                    ins.setString(8, r.manifest());
                    ins.addBatch();
                    if (++pending == batch) {
                        ins.executeBatch();
                        c.commit();
                        pending = 0;
                    }
                }
                ins.executeBatch();
                c.commit();
            }
            double rate = rows.size() / ((System.nanoTime() - t0) / 1e9);
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE \"raw_bench\"");
            }
            return rate;
        }
    }
}
