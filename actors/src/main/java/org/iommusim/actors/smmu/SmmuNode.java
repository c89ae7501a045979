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

    /**
     * Stop the SMMU entity between two of its writes and answer once it has
     * stopped (at once if it never started): a clean close's step before the
     * model's actors are stopped, so that no journal answer reaches it after.
     */
    public record Quiesce(ActorRef<org.apache.pekko.Done> replyTo) implements Command {}

    private record SmmuStopped(ActorRef<org.apache.pekko.Done> replyTo) implements Command {}

    private record StreamRecovered(int sid) implements Command {}

    private record GroupWritten() implements Command {}

    private record TcuReady() implements Command {}

    /** Everything one SMMU node needs. {@code workers} 0 means no translation pool. */
    public record Setup(String smmuId, SmmuCapabilities caps, SmmuEntity.Settings smmuSettings,
            TranslationWorker.Settings poolSettings, int workers, int maxBurst, Collection<Integer> knownSids,
            List<ActorRef<InvalidationPort.Invalidate>> extraSubscribers) {}

    /** What the node publishes for callers: its views, and its pool once spawned. */
    public static final class Handles {
        public final StreamMemoryBoard memory = new StreamMemoryBoard();
        public final SmmuViews views = new SmmuViews(memory);
        /** The SMMU's interrupts, for the facade to connect its dispatcher. */
        public final InterruptLine interrupts = new InterruptLine();
        /**
         * Deterministic mode: the invalidation port's direct handlers, which the SMMU entity runs in its turn (null
         * on Pekko's threads, where no subscriber registers one).
         */
        private volatile InvalidationPort.Directory direct;
        private volatile TranslationPool pool;
        private volatile org.iommusim.persistence.tcu.Tcu tcu;
        private volatile ActorRef<Object> tcuKeeper;
        private FaultChannel faults;

        /** The channel from the pool's workers to the SMMU's event queue (made on first use, by the node). */
        synchronized FaultChannel faults(SmmuCapabilities caps) {
            if (faults == null) {
                faults = new FaultChannel(caps.eventQueueCapacity());
            }
            return faults;
        }

        /** The SMMU's TCU (walk caches, IPA cache), shared by its workers; null for a node without a pool. */
        public org.iommusim.persistence.tcu.Tcu tcu() {
            return tcu;
        }

        /**
         * A clean close's flush of the TCU's caches, once the SMMU has stopped: writes what they logged and not yet
         * persisted, their acknowledgement marker cleared last ({@code TcuKeeper.Flush}); completes when written (at
         * once for a node without a pool). After the pool's workers wrote theirs.
         */
        public java.util.concurrent.CompletableFuture<Void> flushTcu() {
            java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
            ActorRef<Object> k = tcuKeeper;
            if (k == null) {
                f.complete(null);
            } else {
                k.tell(new org.iommusim.actors.translate.TcuKeeper.Flush(() -> f.complete(null), true));
            }
            return f;
        }

        /** The SMMU's translation pool; null for a node without one. */
        public TranslationPool pool() {
            return pool;
        }
    }

    private static final int STASH = 10_000;
    /** Requests per batch at most: bounds one journal write (a batch of submissions is written at once). */
    private static final int BATCH = 1024;
    private static final DispatcherSelector TRANSLATION_DISPATCHER =
            DispatcherSelector.fromConfig("iommu-sim.translation-dispatcher");
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    public static Behavior<Command> create(Setup setup, Handles handles, PageTableViews domains) {
        return Behaviors.withStash(STASH, stash -> Behaviors.setup(ctx -> {
            List<ActorRef<InvalidationPort.Invalidate>> subscribers = new ArrayList<>(setup.extraSubscribers());
            if (setup.workers() > 0) {
                FaultChannel faultSink = handles.faults(setup.caps());
                SmmuCapabilities caps = setup.caps();
                // one TCU per SMMU, shared by its workers; in deterministic mode walks take turns at it
                org.iommusim.persistence.tcu.Tcu tcu = new org.iommusim.persistence.tcu.Tcu(caps.tcu());
                org.iommusim.actors.translate.TcuTurns turns = ctx.getSystem().settings().config()
                        .hasPath("iommu-sim.deterministic.runtime-id") ? new org.iommusim.actors.translate.TcuTurns() : null;
                handles.direct = turns == null ? null : new InvalidationPort.Directory();
                TranslationPool pool = TranslationPool.spawn(setup.workers(), caps.tbuCount(), caps::tbuOf,
                        setup.maxBurst(), turns, (k, tbus, inbox) -> ctx.spawn(TranslationWorker.create(setup.smmuId(),
                                tbus, caps, handles.views, domains, faultSink, setup.poolSettings(), inbox, tcu, turns,
                                handles.direct),
                                "worker-" + k, TRANSLATION_DISPATCHER));
                pool.workers().forEach(w -> subscribers.add(w.narrow()));
                // the TCU's caches are rebuilt from their own log before the SMMU serves
                ActorRef<Object> keeper = ctx.spawn(org.iommusim.actors.translate.TcuKeeper.create(setup.smmuId(), tcu,
                        setup.poolSettings(), handles.direct, ctx.messageAdapter(org.iommusim.actors.translate.TcuKeeper.Ready.class,
                                r -> new TcuReady())), "tcu");
                subscribers.add(keeper.narrow());
                handles.tcu = tcu;
                handles.tcuKeeper = keeper;
                handles.pool = pool;
            }
            for (int sid : setup.knownSids()) {
                org.iommusim.actors.LocalAsk.<Command, StreamEntity.Command, StreamState>ask(ctx,
                        stream(ctx, setup, handles, sid), RECOVERY, StreamEntity.GetStream::new,
                        (state, failure) -> {
                            if (failure != null) {
                                throw new IllegalStateException("stream " + sid + " of " + setup.smmuId()
                                        + " did not recover: " + failure.getMessage(), failure);
                            }
                            return new StreamRecovered(sid);
                        });
            }
            return recovering(ctx, stash, setup, handles, List.copyOf(subscribers),
                    setup.knownSids().size() + (setup.workers() > 0 ? 1 : 0));
        }));
    }

    private static Behavior<Command> recovering(ActorContext<Command> ctx, StashBuffer<Command> stash, Setup setup,
            Handles handles, List<ActorRef<InvalidationPort.Invalidate>> subscribers, int outstanding) {
        if (outstanding == 0) {
            ActorRef<SmmuEntity.Command> smmu = ctx.spawn(SmmuEntity.create(setup.smmuId(), setup.caps(),
                    handles.memory, handles.views, setup.smmuSettings(), subscribers, handles.faults(setup.caps()), handles.interrupts, handles.direct),
                    "smmu");
            return stash.unstashAll(running(ctx, setup, handles, smmu));
        }
        return Behaviors.receive(Command.class)
                .onMessage(Quiesce.class, q -> {
                    q.replyTo().tell(org.apache.pekko.Done.getInstance()); // no SMMU entity yet: none to stop
                    return Behaviors.same();
                })
                .onMessage(StreamRecovered.class, r -> recovering(ctx, stash, setup, handles, subscribers, outstanding - 1))
                .onMessage(TcuReady.class, r -> recovering(ctx, stash, setup, handles, subscribers, outstanding - 1))
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    /**
     * Routes to the SMMU and the streams. SMMU requests go in batches: while
     * one batch is with the SMMU (its journal write in flight), every further
     * request waits here in arrival order; when it is done, everything waiting
     * goes as the next {@link SmmuEntity.Batch} (one atomic write, one fsync,
     * however many producers), each request still answered on its own. So the
     * SMMU holds at most one batch at a time and its stash never fills; what
     * waits here is bounded by the facade's per-entity call limit.
     */
    private static Behavior<Command> running(ActorContext<Command> ctx, Setup setup, Handles handles,
            ActorRef<SmmuEntity.Command> smmu) {
        ActorRef<SmmuEntity.BatchDone> done = ctx.messageAdapter(SmmuEntity.BatchDone.class, d -> new GroupWritten());
        List<SmmuEntity.Command> waiting = new ArrayList<>();
        boolean[] inFlight = {false};
        Runnable flush = () -> {
            if (inFlight[0] || waiting.isEmpty()) {
                return;
            }
            int n = Math.min(waiting.size(), BATCH);
            List<SmmuEntity.Command> batch = List.copyOf(waiting.subList(0, n));
            waiting.subList(0, n).clear();
            smmu.tell(new SmmuEntity.Batch(batch, done));
            inFlight[0] = true;
        };
        return Behaviors.receive(Command.class)
                .onMessage(ToSmmu.class, m -> {
                    waiting.add(m.command());
                    flush.run();
                    return Behaviors.same();
                })
                .onMessage(GroupWritten.class, m -> {
                    inFlight[0] = false;
                    flush.run();
                    return Behaviors.same();
                })
                .onMessage(Quiesce.class, q -> {
                    ctx.watchWith(smmu, new SmmuStopped(q.replyTo()));
                    smmu.tell(new SmmuEntity.Stop());
                    return Behaviors.same();
                })
                .onMessage(SmmuStopped.class, s -> {
                    s.replyTo().tell(org.apache.pekko.Done.getInstance());
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
