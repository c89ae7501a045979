package org.iommusim.simulations.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.cluster.ClusterDriver;
import org.iommusim.cluster.ClusterNode;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.simulations.cli.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim cluster --cluster CONF}: one node of a cluster (docs/CLUSTER.md).
 * The file names the SQL journal, the SMMUs, this node's port and the seed
 * nodes. Without {@code --drive} the node serves its share of the SMMU
 * partitions until interrupted; with it, once {@code --nodes} members are
 * Up, it drives every SMMU through this node, prints each partition's line
 * and where it runs, and leaves.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run a cluster node: SMMU partitions under Pekko Cluster Sharding on a shared SQL journal.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:served or drove", "2:bad configuration, or the journal or the cluster unusable"})
public final class ClusterCommand implements Callable<Integer> {
    @Option(names = "--cluster", required = true, paramLabel = "CONF",
            description = "cluster configuration (HOCON): iommu-sim.cluster.journal, .smmus, pekko.remote.artery"
                    + ".canonical.port, pekko.cluster.seed-nodes")
    Path conf;

    @Option(names = "--drive", paramLabel = "ROUNDS", defaultValue = "-1",
            description = "drive every SMMU for ROUNDS page flips through this node, print the outcome, leave")
    int rounds;

    @Option(names = "--bench", paramLabel = "SECONDS", defaultValue = "-1",
            description = "benchmark instead: durable commands/s with 1, 2 and 3 nodes in this JVM on the"
                    + " configured journal (emptied first), beside raw JDBC inserts of the same rows")
    int bench;

    @Option(names = "--lanes", paramLabel = "N", defaultValue = "" + PipelinedLoad.DEFAULT_LANES,
            description = "with --bench: durable commands kept in flight, 1 to " + PipelinedLoad.MAX_LANES
                    + " (default " + PipelinedLoad.DEFAULT_LANES + ")")
    int lanes;

    @Option(names = "--smmus", paramLabel = "N", defaultValue = "" + ClusterBench.DEFAULT_SMMUS,
            description = "with --bench: SMMU partitions driven, 1 to " + ClusterBench.MAX_SMMUS + " (default "
                    + ClusterBench.DEFAULT_SMMUS + "); lane l works on SMMU l mod N")
    int benchSmmus;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1",
            description = "members to wait for before driving (default 1)")
    int nodes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The user's file over the defaults; refused with one line when unreadable. */
    static Config read(Path conf) {
        if (!Files.isRegularFile(conf)) {
            throw new UserError("cluster configuration " + conf + " is not a file");
        }
        try {
            // only the file: the node's defaults and the application's go below it (ClusterNode.config)
            return ConfigFactory.parseFile(conf.toFile());
        } catch (ConfigException e) {
            throw new UserError("cluster configuration " + conf + ": " + e.getMessage(), e);
        }
    }

    static JdbcJournal journal(Config c, Path conf) {
        if (!c.hasPath("iommu-sim.cluster.journal")) {
            throw new UserError("cluster configuration " + conf + " names no journal (iommu-sim.cluster.journal)");
        }
        try {
            return JdbcJournal.at(c.getString("iommu-sim.cluster.journal"), c.withFallback(ConfigFactory.load()));
        } catch (IllegalArgumentException e) {
            throw new UserError("cluster configuration " + conf + ": " + e.getMessage(), e);
        }
    }

    static ModelOptions options(Path conf) {
        return new ModelOptions(conf.toAbsolutePath().getParent().resolve("unused-leveldb"), true, 2, 64,
                Duration.ofSeconds(30));
    }

    @Override
    public Integer call() throws Exception {
        PipelinedLoad.checkLanes(lanes);
        ClusterBench.checkSmmus(benchSmmus);
        Config c = read(conf);
        JdbcJournal journal = journal(c, conf);
        int smmus;
        try {
            smmus = c.hasPath("iommu-sim.cluster.smmus") ? c.getInt("iommu-sim.cluster.smmus") : 1;
        } catch (ConfigException e) {
            throw new UserError("cluster configuration " + conf + ": " + e.getMessage(), e);
        }
        if (smmus < 1) {
            throw new UserError("iommu-sim.cluster.smmus must be 1 or more, got " + smmus);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (bench > 0) {
            ClusterBench.run(c, journal, conf, bench, lanes, benchSmmus, out);
            return 0;
        }
        ClusterNode node;
        try {
            node = ClusterNode.start(c, journal, k -> SmmuCapabilities.defaults(), options(conf));
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage(), e);
        }
        try (node) {
            if (c.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
                node.join(node.address());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (node.membersUp() < Math.max(1, nodes)) {
                if (System.nanoTime() > deadline) {
                    throw new UserError("the cluster did not reach " + nodes + " Up members within 60 s");
                }
                Thread.sleep(100);
            }
            out.println("node " + node.address() + " up; journal " + journal.url());
            out.flush();
            if (rounds < 0) {
                Thread.sleep(Long.MAX_VALUE); // serve until interrupted
                return 0;
            }
            List<ClusterDriver> drivers = new ArrayList<>();
            for (int s = 0; s < smmus; s++) {
                ClusterDriver d = new ClusterDriver(node, s);
                d.attach();
                drivers.add(d);
            }
            long durable = 0;
            for (int r = 0; r < rounds; r++) {
                for (ClusterDriver d : drivers) {
                    durable += d.flip(r % 8); // eight pages: mapped, then unmapped and invalidated, in turn
                }
            }
            for (int s = 0; s < smmus; s++) {
                out.println("smmu-" + s + " " + drivers.get(s).describe());
            }
            out.println("durable commands acknowledged: " + (durable + 4L * smmus) + "; partitions on this node: "
                    + new java.util.TreeSet<>(node.hostedPartitions()));
            out.flush();
            return 0;
        }
    }
}
