package org.iommusim.actors.translate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.iommusim.persistence.translate.ConfigResolution;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.persistence.translate.StreamContext;
import org.iommusim.persistence.translate.TranslationEngine;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.event.SmmuEvent;
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

    /** One translation; the result (or fault) goes to {@code replyTo}. */

    public record Translate(TranslationRequest request, ActorRef<TranslationResult> replyTo) implements Command {}

    /** Several translations, one reply with the results in request order. */
    public record TranslateBurst(List<TranslationRequest> requests, ActorRef<BurstRouter.BurstReply> replyTo)
            implements Command {}

    /** A translation answered with how it was found (hit, miss, configuration) and the walk's descriptor reads. */
    public record TranslateTraced(TranslationRequest request, ActorRef<Traced> replyTo) implements Command {}

    /** A result with how it was found and the walk's descriptor reads. */

    public record Traced(TranslationResult result, Outcome.Path path, int walkSteps) {}

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
    private final SmmuCapabilities caps;
    private final SmmuViews smmu;
    private final PageTableViews domains;
    private final ActorRef<SmmuEntity.Command> faultSink;
    private final Settings settings;
    private final List<IotlbEvent> pending = new ArrayList<>();
    private final Map<Integer, StreamCounters> streams = new HashMap<>();
    private boolean recovered;

    private TranslationWorker(ActorContext<Command> ctx, TimerScheduler<Command> timers, String persistenceId,
            IotlbConfig config, SmmuCapabilities caps, SmmuViews smmu, PageTableViews domains,
            ActorRef<SmmuEntity.Command> faultSink, Settings settings) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.ctx = ctx;
        this.timers = timers;
        this.config = config;
        this.caps = caps;
        this.smmu = smmu;
        this.domains = domains;
        this.faultSink = faultSink;
        this.settings = settings;
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
                .onCommand(Translate.class, (s, c) -> {
                    TranslationResult r = translate(s, c.request(), null);
                    c.replyTo().tell(r);
                    return afterTranslations();
                })
                .onCommand(TranslateTraced.class, (s, c) -> {
                    Outcome o = outcome(s, c.request(), null);
                    c.replyTo().tell(new Traced(o.result(), o.path(), o.walkSteps()));
                    return afterTranslations();
                })
                .onCommand(TranslateBurst.class, (s, c) -> {
                    List<SmmuEvent> faults = new ArrayList<>();
                    List<TranslationResult> results = new ArrayList<>(c.requests().size());
                    for (TranslationRequest r : c.requests()) {
                        results.add(translate(s, r, faults));
                    }
                    if (!faults.isEmpty()) {
                        faultSink.tell(new SmmuEntity.RecordFaults(faults));
                    }
                    c.replyTo().tell(new BurstRouter.Results(results));
                    return afterTranslations();
                })
                .onCommand(InvalidationPort.Invalidate.class, this::onInvalidate)
                .onCommand(FlushFills.class, (s, c) -> flush())
                .onCommand(GetShard.class, (s, c) -> {
                    Map<Integer, StreamStats> out = new HashMap<>();
                    streams.forEach((sid, k) -> out.put(sid, k.snapshot()));
                    return Effect().reply(c.replyTo(), new ShardReport(s.shard.snapshot(), s.shard.stats(), out));
                })
                .build();
    }

    /** Translates one request; a fault goes to {@code faults} when given, else straight to the SMMU. */
    private TranslationResult translate(ShardState s, TranslationRequest r, List<SmmuEvent> faults) {
        return outcome(s, r, faults).result();
    }

    private Outcome outcome(ShardState s, TranslationRequest r, List<SmmuEvent> faults) {
        StreamContext context = ConfigResolution.resolve(r, caps, smmu.config().effective(r.sid()), domains::table);
        Outcome o = TranslationEngine.translate(r, context, s.shard);
        pending.addAll(o.fills());
        streams.computeIfAbsent(r.sid(), k -> new StreamCounters()).count(o);
        if (o.fault() != null) {
            if (faults != null) {
                faults.add(o.fault());
            } else {
                faultSink.tell(new SmmuEntity.RecordFaults(List.of(o.fault())));
            }
        }
        return o;
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

    /** Mutable per-stream counters; only this worker touches them. */
    private static final class StreamCounters {
        long hits;
        long misses;
        long walks;
        long config;
        final EnumMap<org.iommusim.protocol.event.EventId, Long> faults =
                new EnumMap<>(org.iommusim.protocol.event.EventId.class);

        void count(Outcome o) {
            switch (o.path()) {
                case HIT -> hits++;
                case MISS -> {
                    misses++;
                    walks += o.walkSteps() > 0 ? 1 : 0;
                }
                case CONFIG -> config++;
            }
            if (o.fault() != null) {
                faults.merge(o.fault().id(), 1L, Long::sum);
            }
        }

        StreamStats snapshot() {
            return new StreamStats(hits, misses, walks, config, Map.copyOf(faults));
        }
    }
}
