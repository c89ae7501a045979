package org.iommusim.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.protocol.capability.SmmuCapabilities;
import scala.concurrent.ExecutionContextExecutor;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * One node of an iommu-sim cluster: an ActorSystem named {@code iommu-sim}
 * with Pekko's cluster provider, the JDBC journal, and the sharded
 * {@link SmmuPartition}s. Every node runs the same configuration: the same
 * journal, the same SMMU capabilities ({@code caps}), the same model options;
 * which node hosts which SMMU is sharding's choice.
 *
 * <p>Any node answers for every SMMU ({@link #call}): sharding routes the
 * request to the node hosting the partition, starting or moving it there
 * first when needed.
 */
public final class ClusterNode implements AutoCloseable {
    /** Runs a Scala future's callback where the future completes: no executor, no thread. */
    private static final ExecutionContextExecutor ON_THE_COMPLETING_THREAD = ExecutionContexts.fromExecutor(Runnable::run);

    private final ActorSystem<Void> system;
    private final ClusterSharding sharding;
    private final Duration timeout;

    private ClusterNode(ActorSystem<Void> system, Duration timeout) {
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.timeout = timeout;
    }

    /**
     * The configuration of a node: the user's {@code cluster} settings (seed
     * nodes, host and port), over the journal's, over the node defaults
     * ({@code iommu-sim-cluster.conf}), over the application's.
     */
    public static Config config(Config cluster, JdbcJournal journal) {
        return cluster.withFallback(journal.toConfig())
                .withFallback(ConfigFactory.parseResources(ClusterNode.class, "/iommu-sim-cluster.conf"))
                .withFallback(ConfigFactory.load())
                .resolve();
    }

    /**
     * Starts a node. Its tables are created when missing. It joins the seed
     * nodes its configuration names ({@code pekko.cluster.seed-nodes}), or
     * else waits for {@link #join}.
     */
    public static ClusterNode start(Config cluster, JdbcJournal journal, IntFunction<SmmuCapabilities> caps,
            ModelOptions options) {
        journal.createSchema();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "iommu-sim", config(cluster, journal));
        ClusterNode node = new ClusterNode(system, options.callTimeout());
        node.sharding.init(Entity.of(SmmuPartition.KEY, ctx -> SmmuPartition.create(ctx.getEntityId(),
                caps.apply(SmmuPartition.index(ctx.getEntityId())), options)));
        return node;
    }

    /** This node's ActorSystem (its sharding, its partitions' models, its journal plugin). */
    public ActorSystem<Void> system() {
        return system;
    }

    /** This node's cluster address, for another node to {@link #join} (its port is the one bound, even for 0). */
    public Address address() {
        return Cluster.get(system).selfMember().address();
    }

    /** Joins the cluster {@code seed} belongs to (itself: forms a new one). */
    public void join(Address seed) {
        Cluster.get(system).manager().tell(Join.create(seed));
    }

    /** Whether this node is an Up member. */
    public boolean isUp() {
        return Cluster.get(system).selfMember().status() == MemberStatus.up();
    }

    /** How many members this node sees Up. */
    public int membersUp() {
        int n = 0;
        for (var m : Cluster.get(system).state().getMembers()) {
            if (m.status() == MemberStatus.up()) {
                n++;
            }
        }
        return n;
    }

    /**
     * A request to SMMU {@code smmu}'s partition, wherever it runs; completes
     * with its one answer, or exceptionally when none came within the call
     * timeout.
     *
     * <p>A plain {@link CompletableFuture}, completed on the thread that
     * completes Pekko's ask. Not the stage Pekko's Java ask returns: that is
     * Scala's {@code FutureConverters} wrapper, which runs every continuation,
     * even {@code whenComplete}, as its {@code *Async} variant on the JDK's
     * default async executor; on a machine with fewer than three cores that
     * executor starts a new thread per task, so a pipelined load with
     * thousands of answers started thousands of threads.
     */
    public CompletableFuture<PartitionReply> ask(int smmu,
            Function<ActorRef<PartitionReply>, PartitionCommand> request) {
        CompletionStage<PartitionReply> pekko = sharding.entityRefFor(SmmuPartition.KEY,
                SmmuPartition.entityId(smmu)).ask(request::apply, timeout);
        CompletableFuture<PartitionReply> answer = new CompletableFuture<>();
        // back to the Scala future under the wrapper, and its callback on the completing thread
        FutureConverters.asScala(pekko).onComplete(result -> {
            if (result.isSuccess()) {
                answer.complete(result.get());
            } else {
                answer.completeExceptionally(result.failed().get());
            }
            return BoxedUnit.UNIT;
        }, ON_THE_COMPLETING_THREAD);
        return answer;
    }

    /**
     * As {@link #ask}, waiting for the answer: the done answer, or an
     * {@link IllegalStateException} with the partition's kind and reason
     * ({@code smmu-3 refused (JOURNAL_FAILED): the journal failed: ...}).
     */
    public PartitionReply.Done call(int smmu, Function<ActorRef<PartitionReply>, PartitionCommand> request) {
        PartitionReply r = ask(smmu, request)
                .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS).join();
        if (r instanceof PartitionReply.Refused refused) {
            throw new IllegalStateException("smmu-" + smmu + " refused (" + refused.kind() + "): " + refused.reason());
        }
        return (PartitionReply.Done) r;
    }

    /**
     * SMMU {@code smmu}'s model if its partition has started on this node and
     * still runs here; empty otherwise (another node hosts it, or it has not
     * started: send it a request first, whose answer comes once it has).
     * For embedders whose nodes all run in their own JVM ({@link HostedModel}).
     */
    public java.util.Optional<HostedModel> hosted(int smmu) {
        return HostedModels.of(system).get(smmu);
    }

    /** The partitions this node hosts now (entity ids). */
    public Set<String> hostedPartitions() {
        CompletionStage<ShardRegion.CurrentShardRegionState> state = AskPattern.ask(sharding.shardState(),
                (ActorRef<ShardRegion.CurrentShardRegionState> r) -> new GetShardRegionState(SmmuPartition.KEY, r),
                timeout, system.scheduler());
        Set<String> ids = new HashSet<>();
        for (ShardRegion.ShardState s : state.toCompletableFuture().join().getShards()) {
            ids.addAll(s.getEntityIds());
        }
        return ids;
    }

    /**
     * How many nodes' shard regions the coordinator knows: a node that is Up
     * receives partitions only once its region has registered.
     */
    public int regions() {
        CompletionStage<org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats> stats = AskPattern.ask(
                sharding.shardState(),
                (ActorRef<org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats> r) ->
                        new org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats(SmmuPartition.KEY,
                                timeout, r),
                timeout.multipliedBy(2), system.scheduler());
        return stats.toCompletableFuture().join().getRegions().size();
    }

    /** Leaves the cluster (its partitions are handed off) and stops. */
    @Override
    public void close() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
