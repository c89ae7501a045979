package org.iommusim.actors.smmu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.actors.translate.TranslationPool;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.stream.StreamState;
import org.iommusim.protocol.capability.SmmuCapabilities;

/**
 * One SMMU with its streams and its translation pool. Starting it: the pool's
 * workers first (they recover their IOTLB shards and become the invalidation
 * port's subscribers), then every stream that has a journal (so its memory is
 * on the {@link StreamMemoryBoard}), then the {@link SmmuEntity}. Messages
 * for the SMMU or a stream wait in a bounded stash meanwhile.
 */
public final class SmmuNode {
    private SmmuNode() {}

    /** Messages the node routes. */

    public sealed interface Command {}

    /** For the SMMU entity. */

    public record ToSmmu(SmmuEntity.Command command) implements Command {}

    /** For the stream entity of {@code sid} (spawned on first use). */

    public record ToStream(int sid, StreamEntity.Command command) implements Command {}

    private record StreamRecovered(int sid) implements Command {}

    private record GroupWritten() implements Command {}

    /** Everything one SMMU node needs. {@code workers} 0 means no translation pool. */
    public record Setup(String smmuId, SmmuCapabilities caps, SmmuEntity.Settings smmuSettings,
            TranslationWorker.Settings poolSettings, int workers, int maxBurst, Collection<Integer> knownSids,
            List<ActorRef<InvalidationPort.Invalidate>> extraSubscribers) {}

    /** What the node publishes for callers: its views, and its pool once spawned. */
    public static final class Handles {
        public final SmmuViews views = new SmmuViews();
        public final StreamMemoryBoard memory = new StreamMemoryBoard();
        private volatile TranslationPool pool;

        /** The SMMU's translation pool; null for a node without one. */
        public TranslationPool pool() {
            return pool;
        }
    }

    private static final int STASH = 10_000;
    private static final DispatcherSelector TRANSLATION_DISPATCHER =
            DispatcherSelector.fromConfig("iommu-sim.translation-dispatcher");
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    public static Behavior<Command> create(Setup setup, Handles handles, PageTableViews domains) {
        return Behaviors.withStash(STASH, stash -> Behaviors.setup(ctx -> {
            List<ActorRef<InvalidationPort.Invalidate>> subscribers = new ArrayList<>(setup.extraSubscribers());
            if (setup.workers() > 0) {
                ActorRef<SmmuEntity.Command> faultSink = ctx.messageAdapter(SmmuEntity.Command.class, ToSmmu::new);
                TranslationPool pool = TranslationPool.spawn(setup.workers(), setup.maxBurst(), (k, inbox) ->
                        ctx.spawn(TranslationWorker.create(setup.smmuId(), k,
                                IotlbConfig.shardOf(setup.caps(), k, setup.workers()), setup.caps(), handles.views,
                                domains, faultSink, setup.poolSettings(), inbox), "iotlb-" + k, TRANSLATION_DISPATCHER));
                pool.workers().forEach(w -> subscribers.add(w.narrow()));
                handles.pool = pool;
            }
            for (int sid : setup.knownSids()) {
                ctx.ask(StreamState.class, stream(ctx, setup, handles, sid), RECOVERY, StreamEntity.GetStream::new,
                        (state, failure) -> {
                            if (failure != null) {
                                throw new IllegalStateException("stream " + sid + " of " + setup.smmuId()
                                        + " did not recover: " + failure.getMessage(), failure);
                            }
                            return new StreamRecovered(sid);
                        });
            }
            return recovering(ctx, stash, setup, handles, List.copyOf(subscribers), setup.knownSids().size());
        }));
    }

    private static Behavior<Command> recovering(ActorContext<Command> ctx, StashBuffer<Command> stash, Setup setup,
            Handles handles, List<ActorRef<InvalidationPort.Invalidate>> subscribers, int outstanding) {
        if (outstanding == 0) {
            ActorRef<SmmuEntity.Command> smmu = ctx.spawn(SmmuEntity.create(setup.smmuId(), setup.caps(),
                    handles.memory, handles.views, setup.smmuSettings(), subscribers), "smmu");
            return stash.unstashAll(running(ctx, setup, handles, smmu));
        }
        return Behaviors.receive(Command.class)
                .onMessage(StreamRecovered.class, r -> recovering(ctx, stash, setup, handles, subscribers, outstanding - 1))
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    /**
     * Routes to the SMMU and the streams. Submissions become group commits:
     * while one group's journal write is in flight, every SMMU command waits
     * here in arrival order; when it completes, consecutive submissions go out
     * as one {@link SmmuEntity.SubmitAll} (one atomic write, one fsync, however
     * many producers) and anything else follows in its place, so no command
     * overtakes another.
     */
    private static Behavior<Command> running(ActorContext<Command> ctx, Setup setup, Handles handles,
            ActorRef<SmmuEntity.Command> smmu) {
        ActorRef<SmmuEntity.WriteDone> done = ctx.messageAdapter(SmmuEntity.WriteDone.class, d -> new GroupWritten());
        java.util.ArrayDeque<SmmuEntity.Command> waiting = new java.util.ArrayDeque<>();
        int[] inFlight = {0};
        Runnable flush = () -> {
            List<SmmuEntity.Submit> group = new ArrayList<>();
            while (!waiting.isEmpty()) {
                SmmuEntity.Command c = waiting.poll();
                if (c instanceof SmmuEntity.Submit sub) {
                    group.add(sub);
                    continue;
                }
                if (!group.isEmpty()) {
                    smmu.tell(new SmmuEntity.SubmitAll(List.copyOf(group), done));
                    inFlight[0]++;
                    group.clear();
                }
                smmu.tell(c);
            }
            if (!group.isEmpty()) {
                smmu.tell(new SmmuEntity.SubmitAll(List.copyOf(group), done));
                inFlight[0]++;
            }
        };
        return Behaviors.receive(Command.class)
                .onMessage(ToSmmu.class, m -> {
                    waiting.add(m.command());
                    if (inFlight[0] == 0) {
                        flush.run();
                    }
                    return Behaviors.same();
                })
                .onMessage(GroupWritten.class, m -> {
                    inFlight[0]--;
                    if (inFlight[0] == 0) {
                        flush.run();
                    }
                    return Behaviors.same();
                })
                .onMessage(ToStream.class, m -> {
                    stream(ctx, setup, handles, m.sid()).tell(m.command());
                    return Behaviors.same();
                })
                .build();
    }

    private static ActorRef<StreamEntity.Command> stream(ActorContext<Command> ctx, Setup setup, Handles handles,
            int sid) {
        String name = "sid-" + Integer.toUnsignedString(sid);
        return ctx.getChild(name).map(r -> r.<StreamEntity.Command>unsafeUpcast())
                .orElseGet(() -> ctx.spawn(StreamEntity.create(setup.smmuId(), sid, setup.caps(), handles.memory), name));
    }

    /** The StreamIDs of {@code smmuId}'s streams among journal persistence ids. */
    public static List<Integer> streamsOf(String smmuId, Collection<String> persistenceIds) {
        String prefix = smmuId + "/sid-";
        return persistenceIds.stream().filter(p -> p.startsWith(prefix))
                .map(p -> Integer.parseUnsignedInt(p.substring(prefix.length()))).sorted().toList();
    }
}
