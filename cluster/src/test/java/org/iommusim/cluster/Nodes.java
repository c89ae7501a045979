package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.persistence.journal.JournalSettings;

/** Cluster nodes in this JVM on 127.0.0.1 (port 0), and the single-system reference run. */
public final class Nodes implements AutoCloseable {
    static final Duration UP_WITHIN = Duration.ofSeconds(60);

    public final List<ClusterNode> nodes = new ArrayList<>();

    private Nodes() {}

    static ModelOptions options(Path dir) {
        return ModelOptions.at(dir).withWorkers(2).withFsync(false);
    }

    /** {@code n} nodes on {@code journal}, joined into one cluster, every one Up. */
    public static Nodes start(int n, JdbcJournal journal, Path dir) {
        Nodes ns = new Nodes();
        Config cfg = ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0");
        try {
            for (int i = 0; i < n; i++) {
                ClusterNode node = ClusterNode.start(cfg, journal, k -> Workload.CAPS, options(dir.resolve("n" + i)));
                ns.nodes.add(node);
                node.join(ns.nodes.get(0).address());
            }
            ns.awaitUp(n);
            return ns;
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    void awaitUp(int members) {
        long deadline = System.nanoTime() + UP_WITHIN.toNanos();
        while (!nodes.stream().allMatch(x -> x.system().whenTerminated().isCompleted() || x.membersUp() == members)
                || nodes.get(0).regions() < members) {
            assertTrue(System.nanoTime() < deadline, "the cluster did not reach " + members + " Up members");
            sleep(100);
        }
    }

    /** Sends SMMU {@code s}'s requests through node {@code s mod n}: devices on every node. */
    public Workload.Target spread() {
        return (smmu, req) -> nodes.get(smmu % nodes.size()).call(smmu, req);
    }

    Workload.Target through(ClusterNode node) {
        return node::call;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    /**
     * The same flow on one plain ActorSystem with the default LevelDB journal:
     * the partitions spawned directly, no cluster, no sharding.
     */
    /**
     * Stops the partitions as a node leaving the cluster does (each closes its model in its PostStop, so their
     * last writes land and the caches' acknowledgement markers are cleared), before the system terminates: a
     * terminated system would stop the models' actors in the middle, as a crash does.
     */
    private static void stopCleanly(ActorSystem<Void> system, List<ActorRef<PartitionCommand>> parts) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        system.systemActorOf(Behaviors.<Void>setup(ctx -> {
            parts.forEach(ctx::watch);
            org.apache.pekko.actor.ActorSystem classic = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system);
            parts.forEach(p -> classic.stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(p)));
            int[] left = {parts.size()};
            return Behaviors.<Void>receive(Void.class)
                    .onSignal(org.apache.pekko.actor.typed.Terminated.class, x -> {
                        if (--left[0] == 0) {
                            stopped.complete(null);
                        }
                        return Behaviors.same();
                    })
                    .build();
        }), "stopper", org.apache.pekko.actor.typed.Props.empty());
        stopped.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    public static List<String> reference(Path dir, int smmus) {
        ModelOptions opts = options(dir);
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "reference", PekkoEmbedding.config(opts));
        try {
            List<ActorRef<PartitionCommand>> parts = new ArrayList<>();
            for (int s = 0; s < smmus; s++) {
                parts.add(system.systemActorOf(SmmuPartition.create(SmmuPartition.entityId(s), Workload.CAPS, opts),
                        "smmu-" + s, org.apache.pekko.actor.typed.Props.empty()));
            }
            Workload.Target t = (smmu, req) -> {
                CompletionStage<PartitionReply> r = AskPattern.ask(parts.get(smmu), req::apply,
                        opts.callTimeout(), system.scheduler());
                PartitionReply reply = r.toCompletableFuture().join();
                if (reply instanceof PartitionReply.Refused f) {
                    throw new IllegalStateException(f.reason());
                }
                return (PartitionReply.Done) reply;
            };
            List<String> answers = Workload.run(t, smmus);
            stopCleanly(system, parts);
            return answers;
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            journal.release();
        }
    }

    static <T> Function<T, T> same() {
        return x -> x;
    }
}
