package org.iommusim.actors.translate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.actors.smmu.InvalidationPort;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuViews;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.iotlb.IotlbSnapshot;
import org.iommusim.persistence.iotlb.IotlbStats;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.persistence.translate.ShardTranslator;
import org.iommusim.persistence.translate.StreamStats;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * One worker of an SMMU's translation pool, owning one IOTLB shard
 * ({@code smmu-<n>/iotlb-<k>}). A hit persists nothing. A miss walks the
 * published tables, fills the live shard at once and queues the fill for the
 * journal (written behind, in batches: an IOTLB may always forget an entry,
 * so a lost fill is harmless). An invalidation is applied and persisted,
 * together with the fills before it, before it is acknowledged to the SMMU,
 * so a rebuilt shard never holds an entry that was invalidated.
 *
 * <p>Live, the shard changes in the command handler; the event handler only
 * rebuilds it during recovery. Commands that arrive while a write is in
 * flight wait (Pekko stashes them), so when a write completes the shard and
 * the journal agree, and a snapshot taken then is exact.
 */
public final class TranslationWorker extends EventSourcedBehavior<TranslationWorker.Command, IotlbEvent, ShardState> {

    /** Messages a worker accepts; {@link InvalidationPort.Invalidate} is one of them. */
    public interface Command {}

    /**
     * One translation; {@code onDone} gets its outcome (result, how it was
     * found, the walk's descriptor reads) on the worker's thread.
     */
    public record Translate(TranslationRequest request, Consumer<? super Outcome> onDone) implements Command {}

    /** This worker's part of a burst: the requests whose lane is {@code lane} (all of them when lanes is null). */
    record TranslatePart(BurstCompletion done, byte[] lanes, int lane) implements Command {}

    /** A result with how it was found and the walk's descriptor reads. */
    public record Traced(TranslationResult result, Outcome.Path path, int walkSteps) {
        public static Traced of(Outcome o) {
            return new Traced(o.result(), o.path(), o.walkSteps());
        }
    }

    /** Ask for the shard's entries, counters and per-stream statistics. */

    public record GetShard(ActorRef<ShardReport> replyTo) implements Command {}

    /** The shard's entries and counters, and per-stream counters (keyed by StreamID). */
    public record ShardReport(IotlbSnapshot snapshot, IotlbStats stats, Map<Integer, StreamStats> streams) {}

    private record FlushFills() implements Command {}

    /** Pool settings: how many fills are written per batch at most, and how long one may wait. */
    public record Settings(int fillBatch, Duration fillDelay, int snapshotEvery) {
        public static Settings defaults() {
            return new Settings(256, Duration.ofMillis(5), 10_000);
        }
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final IotlbConfig config;
    private final SmmuViews smmu;
    private final ActorRef<SmmuEntity.Command> faultSink;
    private final Settings settings;
    private final List<IotlbEvent> pending = new ArrayList<>();
    private final ShardTranslator translator;
    private boolean recovered;

    private TranslationWorker(ActorContext<Command> ctx, TimerScheduler<Command> timers, String persistenceId,
            IotlbConfig config, SmmuCapabilities caps, SmmuViews smmu, PageTableViews domains,
            ActorRef<SmmuEntity.Command> faultSink, Settings settings) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.ctx = ctx;
        this.timers = timers;
        this.config = config;
        this.smmu = smmu;
        this.faultSink = faultSink;
        this.settings = settings;
        this.translator = new ShardTranslator(caps, domains::table, pending);
    }

    public static String persistenceId(String smmuId, int index) {
        return smmuId + "/iotlb-" + index;
    }

    /**
     * @param faultSink where fault records go (the SMMU's event queue)
     */
    public static Behavior<Command> create(String smmuId, int index, IotlbConfig config, SmmuCapabilities caps,
            SmmuViews smmu, PageTableViews domains, ActorRef<SmmuEntity.Command> faultSink, Settings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TranslationWorker(ctx, timers,
                persistenceId(smmuId, index), config, caps, smmu, domains, faultSink, settings)));
    }

    @Override
    public ShardState emptyState() {
        return new ShardState(IotlbShard.empty(config));
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return settings.snapshotEvery() > 0 ? RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
                : RetentionCriteria.disabled();
    }

    @Override
    public SnapshotAdapter<ShardState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(ShardState state) {
                return state.shard.snapshot();
            }

            @Override
            public ShardState fromJournal(Object from) {
                return new ShardState(IotlbShard.restore((IotlbSnapshot) from));
            }
        };
    }

    @Override
    public CommandHandler<Command, IotlbEvent, ShardState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(TranslatePart.class, this::onPart)
                .onCommand(Translate.class, (s, c) -> {
                    Outcome o = translator.translate(c.request(), smmu.config(), s.shard);
                    if (o.fault() != null) {
                        faultSink.tell(new SmmuEntity.RecordFaults(List.of(o.fault())));
                    }
                    notify(c.onDone(), o);
                    return afterTranslations();
                })
                .onCommand(InvalidationPort.Invalidate.class, this::onInvalidate)
                .onCommand(FlushFills.class, (s, c) -> flush())
                .onCommand(GetShard.class, (s, c) -> Effect().reply(c.replyTo(),
                        new ShardReport(s.shard.snapshot(), s.shard.stats(), translator.streamStats())))
                .build();
    }

    private Effect<IotlbEvent, ShardState> onPart(ShardState s, TranslatePart part) {
        List<SmmuEvent> faults = new ArrayList<>(0);
        TranslationBurst b = part.done().burst();
        try {
            translator.translate(b, part.lanes(), part.lane(), smmu.config(), s.shard, faults);
        } catch (RuntimeException e) {
            // a fault in the model itself: answer what is left rather than leave the device waiting
            ctx.getLog().error("translating a burst failed", e);
            for (int i = 0; i < b.size(); i++) {
                if ((part.lanes() == null || part.lanes()[i] == part.lane()) && b.result(i) == null) {
                    b.answer(i, new Terminated(b.sid(i), "model error: " + e));
                }
            }
        }
        if (!faults.isEmpty()) {
            faultSink.tell(new SmmuEntity.RecordFaults(faults));
        }
        part.done().partDone();
        return afterTranslations();
    }

    private <T> void notify(Consumer<? super T> onDone, T value) {
        try {
            onDone.accept(value);
        } catch (RuntimeException | AssertionError e) {
            // the caller's code must not take this worker (and its IOTLB shard) down with it
            ctx.getLog().error("a translation callback threw; the request was answered", e);
        }
    }

    private Effect<IotlbEvent, ShardState> afterTranslations() {
        if (pending.size() >= settings.fillBatch()) {
            return flush();
        }
        if (!pending.isEmpty() && !timers.isTimerActive("flush")) {
            timers.startSingleTimer("flush", new FlushFills(), settings.fillDelay());
        }
        return Effect().none();
    }

    private Effect<IotlbEvent, ShardState> flush() {
        timers.cancel("flush");
        if (pending.isEmpty()) {
            return Effect().none();
        }
        List<IotlbEvent> batch = List.copyOf(pending);
        pending.clear();
        return Effect().persist(batch);
    }

    private Effect<IotlbEvent, ShardState> onInvalidate(ShardState s, InvalidationPort.Invalidate inv) {
        for (IssuedInvalidation i : inv.invalidations()) {
            pending.add(s.shard.invalidate(i.command()));
        }
        ActorRef<InvalidationPort.Invalidate> me = ctx.getSelf().narrow();
        SmmuEntity.InvalidationsApplied ack = new SmmuEntity.InvalidationsApplied(me, inv.lastSeq());
        timers.cancel("flush");
        List<IotlbEvent> batch = List.copyOf(pending);
        pending.clear();
        return Effect().persist(batch).thenRun(st -> inv.ackTo().tell(ack));
    }

    @Override
    public EventHandler<ShardState, IotlbEvent> eventHandler() {
        // live changes are made by the command handler; events rebuild the shard only during recovery
        return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> recovered ? s : s.apply(e));
    }

    @Override
    public SignalHandler<ShardState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> recovered = true).build();
    }
}
