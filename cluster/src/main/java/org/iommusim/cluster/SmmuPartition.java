package org.iommusim.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.persistence.smmu.SmmuState;

/**
 * One SMMU and everything that must stay with it, as one sharded entity
 * ({@code smmu-<n>}): its command queue and configuration cache, its streams,
 * its TBU workers and their TLBs, its VMID/ASID allocator, and the domains
 * allocated on it, whose page tables the workers walk without messaging. So a
 * CMD_SYNC's counting never crosses the network: the SMMU and every worker
 * that must acknowledge an invalidation are one partition on one node.
 *
 * <p>The partition runs a model ({@link IommuSim#inside}) in the node's
 * ActorSystem, recovered from the shared journal, wherever sharding places
 * it; when its node dies, sharding starts it on another node, which recovers
 * it from the same journal. Requests that arrive while it recovers wait in a
 * bounded stash; past that they are refused with the reason, never dropped.
 */
public final class SmmuPartition {
    private SmmuPartition() {}

    public static final EntityTypeKey<PartitionCommand> KEY = EntityTypeKey.create(PartitionCommand.class,
            "smmu-partition");

    /** Requests held while the partition recovers, at most. */
    public static final int STASH = 1000;

    /** The entity id of SMMU {@code index}. */
    public static String entityId(int index) {
        return "smmu-" + index;
    }

    static int index(String entityId) {
        if (!entityId.matches("smmu-\\d{1,9}")) {
            throw new IllegalArgumentException("an SMMU partition is smmu-<index>, got " + entityId);
        }
        return Integer.parseInt(entityId.substring("smmu-".length()));
    }

    private record Started(IommuSim sim, Smmu smmu) implements PartitionMessage {}

    private record StartFailed(Throwable cause) implements PartitionMessage {}

    public static Behavior<PartitionCommand> create(String entityId, SmmuCapabilities caps, ModelOptions options) {
        int index = index(entityId);
        Behavior<PartitionMessage> b = Behaviors.setup(ctx -> Behaviors.withStash(STASH, stash -> {
            // the model blocks its caller while its entities recover: start it off this actor's thread
            Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
            ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
                IommuSim sim = PekkoEmbedding.inside(ctx.getSystem(), options);
                try {
                    return new Started(sim, sim.addSmmu(index, caps));
                } catch (RuntimeException e) {
                    sim.close();
                    throw e;
                }
            }, blocking), (ok, err) -> ok != null ? ok : new StartFailed(err));
            return starting(ctx, stash, entityId);
        }));
        return b.narrow();
    }

    private static Behavior<PartitionMessage> starting(ActorContext<PartitionMessage> ctx,
            StashBuffer<PartitionMessage> stash, String entityId) {
        return Behaviors.receive(PartitionMessage.class)
                .onMessage(Started.class, s -> {
                    ctx.getLog().info("{} serving on {}", entityId, ctx.getSystem().address());
                    HostedModel hosted = new HostedModel(s.sim(), s.smmu());
                    HostedModels.of(ctx.getSystem()).started(index(entityId), hosted);
                    return stash.unstashAll(active(s.sim(), s.smmu(), () -> HostedModels.of(ctx.getSystem())
                            .stopped(index(entityId), hosted)));
                })
                .onMessage(StartFailed.class, f -> {
                    String reason = entityId + " did not start: " + rootCause(f.cause());
                    String kind = kind(f.cause(), ModelException.Kind.MODEL_FAILED.name());
                    ctx.getLog().error(reason);
                    stash.forEach(m -> ((PartitionCommand) m).replyTo().tell(new PartitionReply.Refused(kind, reason)));
                    return Behaviors.stopped();
                })
                .onMessage(PartitionCommand.class, c -> {
                    if (stash.isFull()) {
                        c.replyTo().tell(new PartitionReply.Refused(
                                ModelException.Kind.OVERLOADED.name(), entityId + " is recovering and already holds "
                                + STASH + " requests"));
                    } else {
                        stash.stash(c);
                    }
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<PartitionMessage> active(IommuSim sim, Smmu smmu, Runnable unregister) {
        return Behaviors.receive(PartitionMessage.class)
                .onMessage(PartitionCommand.AllocateDomain.class, m -> answer(m.replyTo(),
                        () -> sim.allocateDomainAsync(DomainId.of(m.domain()), m.spec(), smmu), Done::of))
                .onMessage(PartitionCommand.Map.class, m -> answer(m.replyTo(),
                        () -> sim.mapAsync(DomainId.of(m.domain()), new MapBatch(m.segments())), Done::of))
                .onMessage(PartitionCommand.Unmap.class, m -> answer(m.replyTo(),
                        () -> sim.unmapAsync(DomainId.of(m.domain()), new UnmapBatch(m.segments())), Done::of))
                .onMessage(PartitionCommand.WriteSte.class, m -> answer(m.replyTo(),
                        () -> sim.writeSteAsync(smmu, m.sid(), m.ste()), Done::of))
                .onMessage(PartitionCommand.WriteCd.class, m -> answer(m.replyTo(),
                        () -> sim.writeCdAsync(smmu, m.sid(), m.ssid(), m.cd()), Done::of))
                .onMessage(PartitionCommand.Submit.class, m -> answer(m.replyTo(),
                        () -> sim.submitRawAndWaitAsync(smmu, m.entries()), Done::of))
                .onMessage(PartitionCommand.Translate.class, m -> answer(m.replyTo(),
                        () -> sim.translateAsync(smmu, m.request()),
                        r -> new PartitionReply.Done(0, r.toText())))
                .onMessage(PartitionCommand.Describe.class, m -> answer(m.replyTo(),
                        () -> ModelInternals.smmuStateAsync(sim, smmu), s -> new PartitionReply.Done(s.syncsCompleted(),
                                describe(sim, s, m.domains()))))
                .onSignal(PostStop.class, s -> {
                    unregister.run(); // no embedder reaches the model from now on
                    sim.close(); // its actors stop, its last writes land: another node may take over
                    return Behaviors.same();
                })
                .build();
    }

    /** One line of what must be equal wherever the partition ran: see {@link PartitionCommand.Describe}. */
    static String describe(IommuSim sim, SmmuState s, List<Long> domains) {
        StringBuilder b = new StringBuilder().append("invalidations=").append(s.invalidationsIssued())
                .append(" syncs=").append(s.syncsCompleted()).append(" cons=").append(s.queue().cons());
        for (long d : domains) {
            b.append(" domain-").append(d).append('=');
            ModelInternals.pageTable(sim, DomainId.of(d)).ifPresentOrElse(
                    t -> b.append(Long.toHexString(t.digest())).append('/').append(t.leafCount()),
                    () -> b.append("none"));
        }
        return b.toString();
    }

    private static final class Done {
        static PartitionReply of(long value) {
            return new PartitionReply.Done(value, "");
        }
    }

    /** Runs a call and answers once it completes, with its value or the reason it failed: always one answer. */
    private static <T> Behavior<PartitionMessage> answer(ActorRef<PartitionReply> replyTo,
            java.util.function.Supplier<CompletionStage<T>> call, Function<T, PartitionReply> done) {
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            replyTo.tell(refused(e));
            return Behaviors.same();
        }
        stage.whenComplete((v, e) -> replyTo.tell(e == null ? done.apply(v) : refused(e)));
        return Behaviors.same();
    }

    /** A failed call's answer: the model's kind (JOURNAL_FAILED, ...) and its reason, as the caller must see them. */
    static PartitionReply.Refused refused(Throwable e) {
        return new PartitionReply.Refused(kind(e, PartitionReply.Refused.INVALID), rootCause(e));
    }

    private static String kind(Throwable e, String otherwise) {
        return unwrap(e) instanceof ModelException m ? m.kind().name() : otherwise;
    }

    static String rootCause(Throwable e) {
        Throwable t = unwrap(e);
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
