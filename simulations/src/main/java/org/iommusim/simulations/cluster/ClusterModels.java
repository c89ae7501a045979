package org.iommusim.simulations.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.cluster.ClusterNode;
import org.iommusim.cluster.HostedModel;
import org.iommusim.cluster.PartitionCommand;
import org.iommusim.cluster.SqlJournal;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.simulations.engine.Models;

/**
 * The models of a cluster run: one per SMMU partition, each found on the node
 * sharding placed it on ({@link ClusterNode#hosted}) after a request through
 * node {@code smmu mod N} woke it. Closing stops the nodes (each partition
 * closes its model: its last writes land) and copies the SQL journal's rows
 * into the run folder's journal directory, which the digest and the replay
 * tools read as a single-node run's.
 */
final class ClusterModels implements Models {
    /** How long the nodes may take to form the cluster on a loaded machine. */
    private static final Duration UP_WITHIN = Duration.ofSeconds(60);

    private final ClusterSimulation run;
    private final List<ClusterNode> nodes = new ArrayList<>();
    private final Path journalDir;
    private final Map<Smmu, HostedModel> hosted = new ConcurrentHashMap<>();
    private boolean closed;

    private ClusterModels(ClusterSimulation run, Path journalDir) {
        this.run = run;
        this.journalDir = journalDir;
    }

    /**
     * Starts {@code n} nodes and waits until every one is Up and has its shard
     * region registered. {@code options.dataDir()} is the run's journal
     * directory, where the rows are copied at the end; the partitions write
     * only to the SQL journal.
     */
    static ClusterModels start(ClusterSimulation run, Config config, ModelOptions options,
            IntFunction<SmmuCapabilities> caps, int n) {
        ClusterModels m = new ClusterModels(run, options.dataDir());
        // the partitions' models need a data directory only as the key of their journal's health: a path of their
        // own, never created, so nothing lands in the run folder beside the materialized journal
        ModelOptions partition = options.withDataDir(options.dataDir().resolveSibling(".cluster-partitions"));
        try {
            for (int i = 0; i < n; i++) {
                ClusterNode node = ClusterNode.start(config, run.journal(), caps, partition);
                m.nodes.add(node);
                node.join(m.nodes.get(0).address());
            }
            m.awaitUp();
            return m;
        } catch (RuntimeException | Error e) {
            m.stopNodes();
            throw e;
        }
    }

    private void awaitUp() {
        long deadline = System.nanoTime() + UP_WITHIN.toNanos();
        while (!nodes.stream().allMatch(x -> x.membersUp() == nodes.size()) || nodes.get(0).regions() < nodes.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + nodes.size() + " cluster nodes did not all come Up within "
                        + UP_WITHIN.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster formed", e);
            }
        }
    }

    /**
     * Wakes SMMU {@code index}'s partition through node {@code index mod N}
     * (its answer comes once the partition has started, wherever sharding
     * put it) and takes its model from the node hosting it. Its capabilities
     * are the scenario's (the nodes were started with them); a partition
     * with others is refused.
     */
    @Override
    public Smmu add(int index, SmmuCapabilities caps) {
        try {
            nodes.get(index % nodes.size()).call(index, r -> new PartitionCommand.Describe(List.of(), r));
        } catch (CompletionException e) { // no answer within the call timeout: the refusals come as they are
            throw new IllegalStateException("smmu-" + index + " did not start: " + (e.getCause() == null ? e
                    : e.getCause()), e);
        }
        for (int i = 0; i < nodes.size(); i++) {
            var h = nodes.get(i).hosted(index);
            if (h.isPresent()) {
                Smmu smmu = h.get().smmu();
                if (!smmu.capabilities().equals(caps)) {
                    throw new IllegalStateException(smmu.id() + " runs with capabilities " + smmu.capabilities()
                            + ", not the scenario's " + caps);
                }
                hosted.put(smmu, h.get());
                run.placed(index, i);
                return smmu;
            }
        }
        // answered, so started: its model is registered before it serves; gone again means it stopped or moved
        throw new IllegalStateException("smmu-" + index + " answered but runs on none of the " + nodes.size()
                + " nodes: it stopped or moved during the run");
    }

    @Override
    public IommuSim of(Smmu smmu) {
        HostedModel h = hosted.get(smmu);
        if (h == null) {
            throw new IllegalArgumentException(smmu.id() + " is not an SMMU of this cluster run");
        }
        return h.sim();
    }

    @Override
    public IommuSim single() {
        throw new IllegalStateException("a cluster run has one model per SMMU partition, none for all: "
                + "the deterministic mode's single clock does not exist there");
    }

    @Override
    public void forEach(Consumer<IommuSim> to) {
        hosted.values().forEach(h -> to.accept(h.sim()));
    }

    /** Stops the nodes, then copies the journal's rows into the run's journal directory (once). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopNodes();
        SqlJournal.materialize(run.journal(), journalDir);
    }

    private void stopNodes() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }
}
