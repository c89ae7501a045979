package org.iommusim.simulations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.iommusim.actors.api.ModelException;
import org.iommusim.persistence.journal.JournalUnavailableException;
import org.iommusim.simulations.cluster.ClusterSimulation;
import org.iommusim.simulations.engine.RunFolder;
import org.iommusim.simulations.engine.RunFolderException;
import org.iommusim.simulations.engine.RunMode;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.report.ReportFiles;
import org.iommusim.simulations.report.ReportWriter;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioException;
import org.iommusim.simulations.scenario.ScenarioLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iommu-sim simulate [SCENARIO] [--seed N] [--out DIR] [--force] [--concurrent | --interleave SEED]
 * [--cluster CONF [--nodes N]]}:
 * the main job. Runs the scenario through the model on a fresh LevelDB journal
 * under {@code DIR/journal}, checks every translation, and writes
 * {@code report.json} and {@code report.html} to {@code DIR}. {@code DIR} is
 * locked from before anything in it is touched until the reports are written
 * ({@link RunFolder}); an earlier run there is replaced only with
 * {@code --force}, and a folder holding anything else is never cleared.
 * With {@code --cluster} the SMMUs are partitions of in-JVM cluster nodes
 * on a SQL journal ({@link ClusterSimulation}), whose rows are copied into
 * {@code DIR/journal} at the end.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a scenario: devices doing DMA through the modelled SMMU while a driver maps, unmaps and "
                + "invalidates; every translation is checked; a report and the run's journal are written."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the run completed (the checker's verdict is in the report)",
                "2:the scenario or the output folder is unusable: the folder is a file or cannot be created or "
                        + "written, is in use by a running simulation, holds an earlier run (without --force), "
                        + "or holds files iommu-sim did not write; with --cluster, the configuration is unusable, its "
                        + "journal does not answer or holds an earlier run (without --force), or the cluster did not "
                        + "form"})
final class SimulateCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
            description = "a scenario file (default: conf/scenarios/quickstart.conf)")
    Path scenario;

    @Option(names = "--seed", paramLabel = "N", description = "override the scenario's seed")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = {"where the report and journal go: a new or empty "
            + "folder, or an earlier run's with --force (default: out/<scenario>-seed<N>, or the first free "
            + "out/<scenario>-seed<N>-2, -3, ... when it holds an earlier run)"})
    Path out;

    @Option(names = "--force", description = {"replace the earlier run in DIR: deletes only what a run writes "
            + "(journal/, report.json, report.html); a folder holding anything else is refused even so"})
    boolean force;

    @Option(names = "--concurrent", description = {"let devices run freely on their own threads against the "
            + "threaded model, their DMA in asynchronous bursts (real time; not reproducible)"})
    boolean concurrent;

    @Option(names = "--interleave", paramLabel = "SEED", description = {"deterministic mode: when several of the "
            + "model's actors are ready, SEED picks which runs next (default: the order they became ready); "
            + "each seed is one reproducible interleaving"})
    Long interleave;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a scenario key, checked like the file (e.g. --set driver.strategy=strict)")
    java.util.List<String> overrides = new java.util.ArrayList<>();

    @Option(names = "--timeline", paramLabel = "FILE.json", description = {"also write the run's timeline in the "
            + "Chrome trace event format (open it in Perfetto or chrome://tracing): tracks per CPU, device, SMMU and "
            + "IOTLB, in virtual time; not with --concurrent"})
    Path timeline;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...", description = {"run the scenario once per value of KEY "
            + "(repeat for a grid of every combination), each variant in its own folder under DIR, and write one "
            + "comparison report (comparison.json, comparison.html) in DIR"})
    java.util.List<String> sweep = new java.util.ArrayList<>();

    @Option(names = "--cluster", paramLabel = "CONF", description = {"run on a cluster: --nodes nodes in this JVM, "
            + "each SMMU an SMMU partition under Cluster Sharding, on the SQL journal CONF names (the format of "
            + "cluster --cluster CONF; an empty journal, or emptied with --force); threaded, like --concurrent; "
            + "the run folder's journal is the SQL rows copied out (docs/CLUSTER.md)"})
    Path cluster;

    @Option(names = "--nodes", paramLabel = "N", description = {"with --cluster: cluster nodes started, 1 to "
            + ClusterSimulation.MAX_NODES + " (default " + ClusterSimulation.DEFAULT_NODES + ")"})
    Integer nodes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path file = scenario != null ? scenario : ProjectHome.find().resolve("conf/scenarios/quickstart.conf");
        if (!Files.isRegularFile(file)) {
            throw new UserError("no scenario file " + file);
        }
        refuseClusterOptions();
        if (concurrent && timeline != null) {
            throw new UserError("--timeline writes virtual time: it needs a deterministic run, not --concurrent");
        }
        if (!sweep.isEmpty()) {
            return new Sweep(this, file).run();
        }
        Scenario sc;
        try {
            sc = ScenarioLoader.load(file, overrides);
        } catch (ScenarioException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (seed != null) {
            sc = sc.withSeed(seed);
        }
        if (concurrent && interleave != null) {
            throw new UserError("--interleave chooses an interleaving of the deterministic mode; --concurrent runs"
                    + " on threads, whose interleaving no seed decides: give one or the other");
        }
        // a cluster's nodes are threaded: its run is the concurrent mode's
        ClusterSimulation onCluster = cluster == null ? null : ClusterSimulation.prepare(cluster,
                nodes == null ? ClusterSimulation.DEFAULT_NODES : nodes, sc, force);
        RunMode mode = concurrent || onCluster != null ? RunMode.CONCURRENT
                : interleave != null ? RunMode.interleaved(interleave) : RunMode.DETERMINISTIC;
        Path dir = out != null ? out.toAbsolutePath().normalize()
                : defaultFolder(Paths.get("out", sc.name() + "-seed" + sc.seed()).toAbsolutePath().normalize());
        try (RunFolder folder = claim(dir)) {
            PrintWriter o = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            o.printf("iommu-sim: %s (seed %d, %s) -> %s%n", sc.name(), sc.seed(), onCluster == null ? mode.label()
                    : mode.label() + ", " + onCluster.label() + " on " + onCluster.journal().url(), dir);
            o.flush();
            ProgressBar bar = new ProgressBar(err, quiet);
            SimulationReport report;
            try {
                report = onCluster != null ? onCluster(sc, folder, onCluster, bar::update)
                        : timeline == null ? Simulation.run(sc, folder, mode, bar::update)
                        : Simulation.run(sc, folder, mode, bar::update, timeline.toAbsolutePath());
            } catch (JournalUnavailableException e) {
                throw new UserError(e.getMessage(), e);
            } catch (ModelException e) {
                throw UserError.ifJournalUnavailable(e);
            } finally {
                bar.done();
            }
            ReportFiles files = ReportWriter.write(report, dir);
            Summary.print(o, report, files);
            if (timeline != null) {
                o.printf("timeline    %s%n", timeline.toAbsolutePath());
            }
            if (onCluster != null) {
                StringBuilder where = new StringBuilder();
                onCluster.placement().forEach((smmu, node) -> where.append(where.length() == 0 ? "" : ", ")
                        .append("smmu-").append(smmu).append(" on node ").append(node));
                o.printf("cluster     %s: %s%n", onCluster.label(), where);
            }
            return 0;
        }
    }

    /** What a cluster run cannot do, refused before anything starts; {@code --nodes} needs {@code --cluster}. */
    private void refuseClusterOptions() {
        if (cluster == null) {
            if (nodes != null) {
                throw new UserError("--nodes sets the nodes of a cluster run: it needs --cluster CONF");
            }
            return;
        }
        if (interleave != null) {
            throw new UserError("--interleave chooses an interleaving of the deterministic mode; a --cluster run is"
                    + " threaded (its nodes are): give one or the other");
        }
        if (timeline != null) {
            throw new UserError("--timeline writes virtual time: a --cluster run is threaded, in real time");
        }
        if (!sweep.isEmpty()) {
            throw new UserError("--sweep runs variants one after another on fresh journals; a --cluster run empties"
                    + " and fills one SQL journal: run each variant with --cluster on its own");
        }
    }

    /** The run on the cluster; a cluster that does not form or a partition that refuses is the user's to see. */
    private static SimulationReport onCluster(Scenario sc, RunFolder folder, ClusterSimulation on,
            java.util.function.LongConsumer progress) throws IOException {
        try {
            return Simulation.run(sc, folder, on, progress);
        } catch (IllegalStateException e) {
            throw new UserError("cluster run on " + on.journal().url() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Without {@code --out}, a run never needs {@code --force}: the default folder
     * if it is free, else the first free {@code <folder>-2}, {@code -3}, ... (with
     * {@code --force}, the default folder itself, replaced).
     */
    private Path defaultFolder(Path base) throws IOException {
        return force ? base : freeFolder(base);
    }

    /** {@code base} if it is missing or empty, else the first free {@code base-2}, {@code base-3}, ... */
    static Path freeFolder(Path base) throws IOException {
        if (isFree(base)) {
            return base;
        }
        for (int i = 2; ; i++) {
            Path next = base.resolveSibling(base.getFileName() + "-" + i);
            if (isFree(next)) {
                return next;
            }
        }
    }

    private static boolean isFree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.allMatch(p -> p.getFileName().toString().equals(RunFolder.LOCK_FILE));
        }
    }

    RunFolder claim(Path dir) {
        try {
            return RunFolder.claim(dir, force);
        } catch (RunFolderException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
