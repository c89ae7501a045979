package org.iommusim.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * A shared SQL journal: Pekko's JDBC journal ({@code pekko-persistence-jdbc})
 * and its snapshot store and read journal on one database, PostgreSQL in a
 * deployment, H2 in memory for tests. Same serializer as the LevelDB journal:
 * the rows hold the bytes the LevelDB journal would.
 *
 * <p>User and password come from {@code IOMMU_SIM_JDBC_USER} and
 * {@code IOMMU_SIM_JDBC_PASSWORD}, else from {@code iommu-sim.cluster.jdbc.user}
 * and {@code .password} in the configuration, never from the command line.
 */
public record JdbcJournal(String url, String user, String password) {
    public static final String USER_ENV = "IOMMU_SIM_JDBC_USER";
    public static final String PASSWORD_ENV = "IOMMU_SIM_JDBC_PASSWORD";

    /**
     * Writes the journal holds waiting for a batch ({@code jdbc-journal.bufferSize}):
     * more than the entities that may persist at once on one node (an SMMU
     * partition has about six: the SMMU, its streams, TBU workers, walk caches,
     * allocator and domains, each with at most one write outstanding).
     */
    public static final int BUFFERED_WRITES = 100_000;

    public JdbcJournal {
        if (url == null || !(url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:h2:"))) {
            throw new IllegalArgumentException(
                    "a journal URL is jdbc:postgresql://HOST:PORT/DB (or jdbc:h2:... in tests), got " + url);
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /** The journal at {@code url}, with credentials from the environment or else {@code config}. */
    public static JdbcJournal at(String url, Config config) {
        return new JdbcJournal(url, credential(USER_ENV, config, "iommu-sim.cluster.jdbc.user"),
                credential(PASSWORD_ENV, config, "iommu-sim.cluster.jdbc.password"));
    }

    private static String credential(String env, Config config, String path) {
        String v = System.getenv(env);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        return config.hasPath(path) ? config.getString(path) : "";
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** A new connection (the replay tools, the schema, the benchmark's raw inserts). */
    public Connection connect() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        // empty: the URL's own (?user=...&password=... on PostgreSQL, ;USER=...;PASSWORD=... on H2)
        if (!user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    /**
     * The Pekko configuration that puts journal, snapshot store and read
     * journal on this database, and lets a restarting model list its
     * entities through the read journal ({@code iommu-sim.journal.read-journal}).
     */
    public Config toConfig() {
        Map<String, Object> db = Map.of(
                "url", url, "user", user, "password", password,
                "driver", isH2() ? "org.h2.Driver" : "org.postgresql.Driver",
                "numThreads", 4, "maxConnections", 4, "minConnections", 1,
                "connectionTimeout", 5000);
        return ConfigFactory.parseMap(Map.of(
                        "pekko.persistence.journal.plugin", "jdbc-journal",
                        "pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store",
                        "jdbc-journal.use-shared-db", "iommu-sim",
                        // the plugin, reporting its failed writes to the node's models (JOURNAL_FAILED)
                        "jdbc-journal.class", GuardedJdbcJournal.class.getName(),
                        // writes waiting for a batch, at most one per entity persisting; past the plugin's
                        // 1000 it fails the write and stops the entity (seen at 512 SMMU partitions on a node)
                        "jdbc-journal.bufferSize", BUFFERED_WRITES,
                        "jdbc-snapshot-store.use-shared-db", "iommu-sim",
                        "jdbc-read-journal.use-shared-db", "iommu-sim",
                        "iommu-sim.journal.read-journal", "jdbc-read-journal",
                        "pekko-persistence-jdbc.shared-databases.iommu-sim.profile",
                        isH2() ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$"))
                .withValue("pekko-persistence-jdbc.shared-databases.iommu-sim.db",
                        ConfigValueFactory.fromMap(db));
    }

    /**
     * Creates the journal's tables when missing (the plugin's own schema, as
     * its {@code schema/} scripts define it, without the durable-state table
     * the model does not use).
     */
    public void createSchema() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : isH2() ? H2 : POSTGRES) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the journal's tables at " + url + ": " + e.getMessage(), e);
        }
    }

    /** Deletes every row (tests and benchmarks that start from an empty journal). */
    public void truncate() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM \"event_tag\"");
            s.execute("DELETE FROM \"event_journal\"");
            s.execute("DELETE FROM \"snapshot\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the journal at " + url + ": " + e.getMessage(), e);
        }
    }

    private static final List<String> POSTGRES = List.of("""
            CREATE TABLE IF NOT EXISTS event_journal(
              ordering BIGSERIAL,
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              deleted BOOLEAN DEFAULT FALSE NOT NULL,
              writer VARCHAR(255) NOT NULL,
              write_timestamp BIGINT,
              adapter_manifest VARCHAR(255),
              event_ser_id INTEGER NOT NULL,
              event_ser_manifest VARCHAR(255) NOT NULL,
              event_payload BYTEA NOT NULL,
              meta_ser_id INTEGER,
              meta_ser_manifest VARCHAR(255),
              meta_payload BYTEA,
              PRIMARY KEY(persistence_id, sequence_number))""",
            "CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON event_journal(ordering)",
            """
            CREATE TABLE IF NOT EXISTS event_tag(
              event_id BIGINT,
              tag VARCHAR(256),
              PRIMARY KEY(event_id, tag),
              CONSTRAINT fk_event_journal FOREIGN KEY(event_id) REFERENCES event_journal(ordering) ON DELETE CASCADE)""",
            """
            CREATE TABLE IF NOT EXISTS snapshot(
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              created BIGINT NOT NULL,
              snapshot_ser_id INTEGER NOT NULL,
              snapshot_ser_manifest VARCHAR(255) NOT NULL,
              snapshot_payload BYTEA NOT NULL,
              meta_ser_id INTEGER,
              meta_ser_manifest VARCHAR(255),
              meta_payload BYTEA,
              PRIMARY KEY(persistence_id, sequence_number))""");

    private static final List<String> H2 = List.of("""
            CREATE TABLE IF NOT EXISTS "event_journal"(
              "ordering" BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
              "deleted" BOOLEAN DEFAULT false NOT NULL,
              "persistence_id" VARCHAR(255) NOT NULL,
              "sequence_number" BIGINT NOT NULL,
              "writer" VARCHAR NOT NULL,
              "write_timestamp" BIGINT NOT NULL,
              "adapter_manifest" VARCHAR NOT NULL,
              "event_payload" BLOB NOT NULL,
              "event_ser_id" INTEGER NOT NULL,
              "event_ser_manifest" VARCHAR NOT NULL,
              "meta_payload" BLOB,
              "meta_ser_id" INTEGER,
              "meta_ser_manifest" VARCHAR,
              PRIMARY KEY("persistence_id","sequence_number"))""",
            "CREATE UNIQUE INDEX IF NOT EXISTS \"event_journal_ordering_idx\" ON \"event_journal\"(\"ordering\")",
            """
            CREATE TABLE IF NOT EXISTS "event_tag"(
              "event_id" BIGINT NOT NULL,
              "tag" VARCHAR NOT NULL,
              PRIMARY KEY("event_id", "tag"),
              CONSTRAINT fk_event_journal FOREIGN KEY("event_id") REFERENCES "event_journal"("ordering")
                ON DELETE CASCADE)""",
            """
            CREATE TABLE IF NOT EXISTS "snapshot"(
              "persistence_id" VARCHAR(255) NOT NULL,
              "sequence_number" BIGINT NOT NULL,
              "created" BIGINT NOT NULL,
              "snapshot_ser_id" INTEGER NOT NULL,
              "snapshot_ser_manifest" VARCHAR NOT NULL,
              "snapshot_payload" BLOB NOT NULL,
              "meta_ser_id" INTEGER,
              "meta_ser_manifest" VARCHAR,
              "meta_payload" BLOB,
              PRIMARY KEY("persistence_id","sequence_number"))""");
}
