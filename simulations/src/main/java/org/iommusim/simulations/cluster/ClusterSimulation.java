package org.iommusim.simulations.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.simulations.cli.UserError;
import org.iommusim.simulations.engine.Models;
import org.iommusim.simulations.scenario.DomainDef;
import org.iommusim.simulations.scenario.FaultInjection;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.SmmuDef;
import org.iommusim.simulations.scenario.StreamDef;

/**
 * {@code simulate --cluster CONF}: the scenario's SMMUs as {@code SmmuPartition}s
 * of {@code nodes} cluster nodes, all in this JVM, sharing the SQL journal
 * the file names (docs/CLUSTER.md). The engine drives each partition's model
 * directly ({@link ClusterModels}), so the devices, the driver and the checker
 * are those of a single-node run; the run is threaded, as the nodes are.
 * What a partition cannot serve is refused before anything starts
 * ({@link #refusal}).
 */
public final class ClusterSimulation implements Models.Start {
    /** Nodes started when {@code --nodes} is not given. */
    public static final int DEFAULT_NODES = 3;

    /** At most this many in-JVM nodes: each is an ActorSystem with its own threads, on a small machine. */
    public static final int MAX_NODES = 16;

    private final Config cluster;
    private final JdbcJournal journal;
    private final int nodes;
    private final Map<Integer, SmmuCapabilities> caps = new HashMap<>();
    private final Map<Integer, Integer> placement = new TreeMap<>();
    /** Rows of an earlier run that --force empties, at the start, once the run folder is the caller's. */
    private boolean earlierRunToEmpty;

    private ClusterSimulation(Config cluster, JdbcJournal journal, int nodes, Scenario sc, boolean earlierRun) {
        this.cluster = cluster;
        this.journal = journal;
        this.nodes = nodes;
        this.earlierRunToEmpty = earlierRun;
        for (SmmuDef s : sc.smmus()) {
            caps.put(s.id(), s.caps());
        }
    }

    /**
     * Reads {@code conf} (the format of {@code cluster --cluster CONF}), checks
     * that the scenario can run on a cluster and that its journal answers and
     * is empty (or, with {@code empty}, may be emptied: that happens only when
     * the run starts, so a run refused later, say for its output folder,
     * leaves the earlier run's rows where they were).
     *
     * @throws UserError with one line naming the file, the journal or what the scenario asks that a cluster
     *         cannot do
     */
    public static ClusterSimulation prepare(Path conf, int nodes, Scenario sc, boolean empty) {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new UserError("--nodes must be 1 to " + MAX_NODES + " (cluster nodes started in this JVM), got "
                    + nodes);
        }
        refusal(sc).ifPresent(why -> {
            throw new UserError(sc.name() + " cannot run on a cluster: " + why);
        });
        Config c = ClusterCommand.read(conf);
        JdbcJournal journal = ClusterCommand.journal(c, conf);
        try {
            journal.createSchema();
        } catch (IllegalStateException e) {
            throw new UserError("cluster configuration " + conf + ": " + e.getMessage(), e);
        }
        long rows = events(journal, conf);
        if (rows > 0) {
            if (!empty) {
                throw new UserError("journal " + journal.url() + " (cluster configuration " + conf + ") holds " + rows
                        + " events of an earlier run; a run starts from an empty journal: add --force to empty it,"
                        + " or name another database");
            }
        }
        return new ClusterSimulation(c, journal, nodes, sc, rows > 0);
    }

    /**
     * Why {@code sc} cannot run with its SMMUs in partitions, or empty when it
     * can. A partition owns its domains (its TBU workers walk their tables
     * without messaging), so no domain may serve a stream, or a nested
     * domain, of another SMMU; and an injected crash restarts one model,
     * while a cluster's partitions recover only when their node goes.
     */
    public static Optional<String> refusal(Scenario sc) {
        for (FaultInjection f : sc.faults()) {
            if (f.kind() == FaultInjection.Kind.CRASH) {
                return Optional.of("faults inject a model crash (CRASH at operation " + f.nth() + "), which restarts"
                        + " the one model of a single-node run; a cluster's partitions restart only with their node");
            }
        }
        Map<DomainId, Integer> home = new HashMap<>();
        for (DomainDef d : sc.domains()) {
            home.put(d.id(), d.smmu());
        }
        for (DomainDef d : sc.domains()) {
            DomainId parent = d.spec().parent();
            if (parent != null && home.containsKey(parent) && home.get(parent) != d.smmu()) {
                return Optional.of(shared(d.id() + "'s stage-2 parent " + parent, home.get(parent), d.smmu()));
            }
        }
        for (StreamDef s : sc.streams()) {
            for (DomainId d : new DomainId[] {s.s1Domain(), s.s2Domain()}) {
                if (d != null && home.containsKey(d) && home.get(d) != s.smmu()) {
                    return Optional.of(shared("domain " + d + " (stream 0x" + Integer.toHexString(s.sid()) + ")",
                            home.get(d), s.smmu()));
                }
            }
        }
        return Optional.empty();
    }

    private static String shared(String what, int own, int other) {
        return what + " is allocated on smmu-" + own + " but attached on smmu-" + other + ": each SMMU partition"
                + " owns its domains, so a domain cannot be shared across SMMUs on a cluster";
    }

    private static long events(JdbcJournal journal, Path conf) {
        try (Connection c = journal.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new UserError("cluster configuration " + conf + ": cannot read journal " + journal.url() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The journal the nodes share. */
    public JdbcJournal journal() {
        return journal;
    }

    /** How many nodes the run starts. */
    public int nodes() {
        return nodes;
    }

    /** Which node (0-based, in start order) served each SMMU, by index: known once the run started them. */
    public synchronized Map<Integer, Integer> placement() {
        return Map.copyOf(placement);
    }

    synchronized void placed(int smmu, int node) {
        placement.put(smmu, node);
    }

    /**
     * Starts the nodes, every one on 127.0.0.1 with a port of its own, joined
     * into one cluster: the file's journal and settings, but not its port or
     * seed nodes, which name a cluster of separate processes. An earlier
     * run's rows that {@code --force} allowed are emptied first.
     */
    @Override
    public Models start(ModelOptions options) {
        synchronized (this) {
            if (earlierRunToEmpty) {
                journal.truncate();
                earlierRunToEmpty = false;
            }
        }
        Config inJvm = ConfigFactory.parseString("""
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.seed-nodes = []
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                """).withFallback(cluster);
        return ClusterModels.start(this, inJvm, options, i -> caps.getOrDefault(i, SmmuCapabilities.defaults()),
                nodes);
    }

    @Override
    public String label() {
        return "cluster of " + nodes + (nodes == 1 ? " node" : " nodes");
    }
}
