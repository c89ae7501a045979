package org.iommusim.actors.translate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * One worker of an SMMU's translation pool, serving from one IOTLB shard
 * ({@code smmu-<n>/iotlb-<k>}) that its child {@link IotlbJournal} keeps
 * durable. A hit persists nothing. A miss walks the published tables, fills
 * the live shard at once and queues the fill for the journal (written
 * behind, in batches: an IOTLB may always forget an entry, so a lost fill is
 * harmless). An invalidation is applied to the live shard at once, so no
 * translation after it can use what it removed, and is acknowledged to the
 * SMMU at once too, its record written behind with the fills, once this run's
 * {@link IotlbEvent.AcksAhead} marker is durable in every journal the worker
 * writes: a rebuilt shard then never holds an entry that was invalidated,
 * because a restart that finds the marker still set (no clean close cleared
 * it) empties the TLB before it serves. Until the marker is durable, and from
 * a clean close's flush on, an acknowledgement waits until the invalidation
 * is durable with every fill before it. In deterministic mode the SMMU entity
 * may run the worker's invalidation handler in its own turn
 * ({@link InvalidationPort.Direct}).
 *
 * <p>A plain actor: translations never wait behind a journal write. One
 * write is in flight at a time; what arrives meanwhile goes out together in
 * the next (group commit), so the journal sees the live shard's events in
 * the order they were applied. Until the journal has recovered the shard,
 * messages wait in a bounded stash; the pool's admission keeps translations
 * far below its capacity. If the journal fails, the worker answers every
 * translation as terminated, naming the failure, and acknowledges nothing
 * more.
 */
public final class TranslationWorker {
    private TranslationWorker() {}

    /** Messages a worker accepts; {@link InvalidationPort.Invalidate} is one of them. */
    public interface Command {}

    /**
     * One translation; {@code onDone} gets its outcome (result, how it was
     * found, the walk's descriptor reads) on the worker's thread.
     */
    public record Translate(TranslationRequest request, Consumer<? super Outcome> onDone, long ticket, boolean traced)
            implements Command {
        /** Without a {@link TcuTurns} ticket. */
        public Translate(TranslationRequest request, Consumer<? super Outcome> onDone) {
            this(request, onDone, -1);
        }

        /** Without the walk's detail ({@code traced}: the outcome carries {@link Outcome#walk()}). */
        public Translate(TranslationRequest request, Consumer<? super Outcome> onDone, long ticket) {
            this(request, onDone, ticket, false);
        }
    }

    /**
     * A part of a burst for TBU {@code tbu}: the requests answered in slots {@code [from, to)}; posted to its worker's
     * inbox. {@code ticket}: its turn at the TCU ({@link TcuTurns}), -1 without turns.
     */
    record TranslatePart(BurstCompletion done, int tbu, int from, int to, long ticket) {
        TranslatePart(BurstCompletion done, int tbu, int from, int to) {
            this(done, tbu, from, to, -1);
        }
    }

    /** Parts wait in the worker's {@link PartInbox}. */
    record Ring() implements Command, org.apache.pekko.actor.DeadLetterSuppression {}

    static final Ring RING = new Ring();

    /** Parts taken per {@link Ring} at most ({@link PartInbox#serve}). */
    private static final int PARTS_PER_TURN = 64;

    /**
     * A result with how it was found, the walk's descriptor reads, and the STEs and CDs read from the stream
     * table on misses of a bounded configuration cache ({@code configReads}).
     */
    public record Traced(TranslationResult result, Outcome.Path path, int walkSteps, int evictions, int configReads,
            org.iommusim.protocol.translate.WalkDetail walk) {
        /** Without the walk's detail. */
        public Traced(TranslationResult result, Outcome.Path path, int walkSteps, int evictions, int configReads) {
            this(result, path, walkSteps, evictions, configReads, org.iommusim.protocol.translate.WalkDetail.NONE);
        }

        /** A translation that evicted nothing. */
        public Traced(TranslationResult result, Outcome.Path path, int walkSteps) {
            this(result, path, walkSteps, 0);
        }

        /** A translation that read no configuration from memory. */
        public Traced(TranslationResult result, Outcome.Path path, int walkSteps, int evictions) {
            this(result, path, walkSteps, evictions, 0);
        }

        public static Traced of(Outcome o) {
            int evicted = 0;
            for (org.iommusim.persistence.iotlb.IotlbEvent e : o.fills()) {
                if (e instanceof org.iommusim.persistence.iotlb.IotlbEvent.Filled f && f.victim() != null) {
                    evicted++;
                }
            }
            return new Traced(o.result(), o.path(), o.walkSteps(), evicted, o.configReads(),
                    o.walk() == null ? org.iommusim.protocol.translate.WalkDetail.NONE : o.walk());
        }
    }

    /** Ask for the entries, counters and per-stream statistics of the TBUs this worker serves. */
    public record GetShard(ActorRef<ShardReport> replyTo) implements Command {}

    /**
     * Ask for the entries of this worker's TBUs tagged ({@code kind},
     * {@code vmid}, {@code asid}) whose input span meets {@code [from, to)},
     * each TLB's in its replacement order ({@link IotlbShard#entriesMeeting}).
     */
    public record GetEntries(org.iommusim.persistence.iotlb.IotlbEntry.Kind kind, int vmid, int asid, long from,
            long to, ActorRef<EntriesReport> replyTo) implements Command {}

    /** What a worker answers to {@link GetEntries}: one list per TBU it serves, by TBU index. */
    public record EntriesReport(java.util.SortedMap<Integer, List<org.iommusim.persistence.iotlb.IotlbEntry>> byTbu) {}

    private static EntriesReport entries(List<Unit> units, GetEntries g) {
        return entries(units, g.kind(), g.vmid(), g.asid(), g.from(), g.to());
    }

    private static EntriesReport entries(List<Unit> units, org.iommusim.persistence.iotlb.IotlbEntry.Kind kind,
            int vmid, int asid, long from, long to) {
        java.util.SortedMap<Integer, List<org.iommusim.persistence.iotlb.IotlbEntry>> out = new java.util.TreeMap<>();
        for (Unit u : units) {
            out.put(u.tbu, u.shard.entriesMeeting(kind, vmid, asid, from, to));
        }
        return new EntriesReport(out);
    }

    /** What a worker reports: one {@link TbuReport} per TBU it serves, by TBU index. */
    public record ShardReport(List<TbuReport> tbus) {}

    /**
     * One TBU's TLB: its entries and counters, the micro-TLB's live counters
     * (empty when it has none), and per-stream counters (keyed by StreamID).
     */
    public record TbuReport(int tbu, IotlbSnapshot snapshot, IotlbStats stats, java.util.Optional<IotlbStats> micro,
            int microSize, Map<Integer, StreamStats> streams) {}

    private record FlushFills(int tbu) implements Command, org.apache.pekko.actor.DeadLetterSuppression {}

    /**
     * Write everything pending (fills held back for a batch included), then
     * run {@code onWritten} on the worker's thread: what a clean stop does
     * first, so that it loses no fill. {@code closing}: a clean close's flush,
     * after which no invalidation is acknowledged before its record is durable;
     * it writes each TLB's {@link IotlbEvent.AcksAhead} marker cleared, last.
     */
    public record Flush(Runnable onWritten, boolean closing) implements Command {
        /** A flush that does not close: acknowledgements go on running ahead of the journal. */
        public Flush(Runnable onWritten) {
            this(onWritten, false);
        }
    }

    /**
     * The model is closing: from now on answer every translation as
     * terminated with {@code reason} (send after a {@link Flush} has completed:
     * nothing more is written). A worker its ActorSystem already stopped
     * between the two (a cluster node going down) holds nothing left to
     * answer, so its dead letter is expected and not logged as a drop.
     */
    public record Close(String reason) implements Command, org.apache.pekko.actor.DeadLetterSuppression {}

    /** Pool settings: how many fills are written per batch at most, and how long one may wait. */
    public record Settings(int fillBatch, Duration fillDelay, int snapshotEvery) {
        public static Settings defaults() {
            return new Settings(256, Duration.ofMillis(5), 10_000);
        }
    }

    /** Messages held while the journals recover: well above the pool's in-flight limit, so it never overflows. */
    private static final int RECOVERY_STASH = 4 * TranslationPool.IN_FLIGHT_LIMIT;

    /** The journal entity of TBU {@code tbu}'s TLB. */
    public static String persistenceId(String smmuId, int tbu) {
        return smmuId + "/tbu-" + tbu;
    }

    /**
     * @param tbus      the TBUs this worker serves
     * @param faultSink where fault records go (the SMMU's event queue, through its channel)
     */
    public static Behavior<Command> create(String smmuId, List<Integer> tbus, SmmuCapabilities caps,
            SmmuViews smmu, PageTableViews domains, org.iommusim.actors.smmu.FaultChannel faultSink, Settings settings,
            PartInbox inbox) {
        return create(smmuId, tbus, caps, smmu, domains, faultSink, settings, inbox, null, null);
    }

    /**
     * As above, with the SMMU's TCU, shared by all its workers, whose walk caches every TLB miss walks through
     * (null: no walk caches), and the turns ordering its use in deterministic mode (null on Pekko's threads).
     */
    public static Behavior<Command> create(String smmuId, List<Integer> tbus, SmmuCapabilities caps,
            SmmuViews smmu, PageTableViews domains, org.iommusim.actors.smmu.FaultChannel faultSink, Settings settings,
            PartInbox inbox, org.iommusim.persistence.tcu.Tcu tcu, TcuTurns turns) {
        return create(smmuId, tbus, caps, smmu, domains, faultSink, settings, inbox, tcu, turns, null);
    }

    /**
     * As above; in deterministic mode, registers the worker's own invalidation handler in {@code direct} while it
     * serves, for the SMMU entity to run in its turn (null: invalidations come by message only).
     */
    public static Behavior<Command> create(String smmuId, List<Integer> tbus, SmmuCapabilities caps,
            SmmuViews smmu, PageTableViews domains, org.iommusim.actors.smmu.FaultChannel faultSink, Settings settings,
            PartInbox inbox, org.iommusim.persistence.tcu.Tcu tcu, TcuTurns turns, InvalidationPort.Directory direct) {
        if (tbus.isEmpty()) {
            throw new IllegalArgumentException("a worker serves at least one TBU");
        }
        return Behaviors.withStash(RECOVERY_STASH, stash -> Behaviors.setup(ctx -> {
            Unit[] byTbu = new Unit[caps.tbuCount()];
            List<ActorRef<IotlbJournal.Command>> journals = new ArrayList<>();
            for (int t : tbus) {
                IotlbConfig config = IotlbConfig.ofTbu(caps, t);
                ActorRef<IotlbJournal.Command> journal = ctx.spawn(IotlbJournal.create(persistenceId(smmuId, t), t,
                        config, settings.snapshotEvery(), ctx.getSelf()), "journal-" + t);
                ctx.watch(journal);
                journals.add(journal);
                byTbu[t] = new Unit(t, persistenceId(smmuId, t), config, journal,
                        new ShardTranslator(caps, domains, new org.iommusim.actors.causal.StampingList<>(
                                org.iommusim.actors.causal.CausalClock.get(ctx.getSystem())), tcu, smmu.memory(),
                                smmu::guestMemory));
            }
            String name = "the worker of " + String.join(", ", tbus.stream().map(t -> persistenceId(smmuId, t)).toList());
            int[] waiting = {tbus.size()};
            return Behaviors.receive(Command.class)
                    .onMessage(IotlbJournal.Recovered.class, r -> {
                        Unit u = byTbu[r.tbu()];
                        u.recovered(r);
                        if (--waiting[0] > 0) {
                            return Behaviors.same();
                        }
                        Live live = new Live(ctx, name, units(byTbu), byTbu, caps, smmu, faultSink, settings, inbox,
                                turns, direct);
                        live.writeConfigurations();
                        return stash.unstashAll(live.running());
                    })
                    // what waited for the recovery is answered too: out of service, with the reason
                    .onSignal(Terminated.class, t -> stash.unstashAll(failed(ctx, name, "a journal did not recover",
                            units(byTbu), inbox, turns)))
                    .onAnyMessage(m -> {
                        stash.stash(m);
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private static List<Unit> units(Unit[] byTbu) {
        List<Unit> out = new ArrayList<>();
        for (Unit u : byTbu) {
            if (u != null) {
                out.add(u);
            }
        }
        return out;
    }

    /** One TBU as its worker serves it: the live TLB, its translator, its journal and write-behind queue. */
    private static final class Unit {
        final int tbu;
        final String id;
        final IotlbConfig config;
        final ActorRef<IotlbJournal.Command> journal;
        final ShardTranslator translator;
        final List<IotlbEvent> pending;
        final List<IotlbJournal.Ack> acks = new ArrayList<>();
        final FlushFills flush;
        IotlbShard shard;
        boolean configured;
        boolean writing;
        boolean flushScheduled;
        final AcksAheadMarker marker = new AcksAheadMarker();

        Unit(int tbu, String id, IotlbConfig config, ActorRef<IotlbJournal.Command> journal, ShardTranslator translator) {
            this.tbu = tbu;
            this.id = id;
            this.config = config;
            this.journal = journal;
            this.translator = translator;
            this.pending = translator.fills();
            this.flush = new FlushFills(tbu);
            this.shard = IotlbShard.empty(config);
        }

        void recovered(IotlbJournal.Recovered r) {
            shard = IotlbShard.restore(r.shard());
            configured = r.configured() && r.shard().config().equals(config);
        }

        TbuReport report() {
            return new TbuReport(tbu, shard.snapshot(), shard.stats(), shard.microStats(), shard.microEntries().size(),
                    translator.streamStats());
        }
    }

    /** The running worker's state: its TBUs and what waits for their journals. */
    private static final class Live {
        private final ActorContext<Command> ctx;
        private final String name;
        private final List<Unit> units;
        private final Unit[] byTbu;
        private final SmmuViews smmu;
        private final org.iommusim.actors.smmu.FaultChannel faultSink;
        private final Settings settings;
        private final List<Runnable> flushWaiters = new ArrayList<>();
        private final List<SmmuEvent> faults = new ArrayList<>();
        private final ActorRef<InvalidationPort.Invalidate> self;
        private final PartInbox inbox;
        private final SmmuCapabilities caps;
        private final TcuTurns turns;
        private final InvalidationPort.Directory direct;
        private boolean closing;
        /** Single requests waiting for their turn at the TCU (deterministic mode), in ticket order. */
        private final java.util.ArrayDeque<Translate> deferred = new java.util.ArrayDeque<>();
        /*
         * What the handlers use of the actor's context, taken while in a turn: a direct translation
         * (TranslationPool#translateDirect) runs them outside one, where the context refuses access.
         */
        private final org.slf4j.Logger log;
        private final org.apache.pekko.actor.Scheduler scheduler;
        private final org.apache.pekko.actor.ActorRef classicSelf;
        private final scala.concurrent.ExecutionContextExecutor dispatcher;

        Live(ActorContext<Command> ctx, String name, List<Unit> units, Unit[] byTbu, SmmuCapabilities caps, SmmuViews smmu,
                org.iommusim.actors.smmu.FaultChannel faultSink, Settings settings, PartInbox inbox, TcuTurns turns,
                InvalidationPort.Directory direct) {
            this.ctx = ctx;
            this.direct = direct;
            this.name = name;
            this.units = units;
            this.byTbu = byTbu;
            this.smmu = smmu;
            this.faultSink = faultSink;
            this.settings = settings;
            this.self = ctx.getSelf().narrow();
            this.inbox = inbox;
            this.caps = caps;
            this.turns = turns;
            this.log = ctx.getLog();
            this.scheduler = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(ctx.getSystem()).scheduler();
            this.classicSelf = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(ctx.getSelf());
            this.dispatcher = ctx.getExecutionContext();
        }

        /**
         * A TLB whose log does not name its configuration (new), or names
         * another (the SMMU's capabilities changed), starts with a
         * {@link IotlbEvent.Configured}: written first, so replay needs no
         * capabilities, and emptying what another geometry placed.
         */
        void writeConfigurations() {
            for (Unit u : units) {
                if (!u.configured) {
                    IotlbEvent.Configured c = new IotlbEvent.Configured(u.config);
                    u.shard.apply(c);
                    u.pending.add(c);  // first: nothing is pending before recovery ends
                    u.configured = true;
                    write(u);
                }
                // before it serves: a TLB whose last run did not close cleanly is emptied here (IotlbShard#apply).
                // Its record goes in a write of its own after the configuration's (sent once that one is answered):
                // a write the journal refuses stops the journal entity at its first event's failure, and the
                // failures Pekko sends for the write's other events would reach a stopped actor
                IotlbEvent.AcksAhead marker = new IotlbEvent.AcksAhead(true);
                u.shard.apply(marker);
                u.pending.add(marker);
                u.marker.logged();
                write(u);
            }
        }

        /**
         * Whether an invalidation may be acknowledged once applied, its records written behind with the fills:
         * once every TLB's {@link IotlbEvent.AcksAhead} marker is durable, so that a crash before those records
         * are written empties the TLBs at the restart, and not from a clean close's last flush on.
         */
        private boolean acksAhead() {
            if (closing) {
                return false;
            }
            for (Unit u : units) {
                if (!u.marker.durable()) {
                    return false;
                }
            }
            return true;
        }

        /** A clean close's flush: no acknowledgement runs ahead from here on, and each TLB's marker is cleared last. */
        private void close() {
            closing = true;
            unregister();
            for (Unit u : units) {
                IotlbEvent.AcksAhead marker = new IotlbEvent.AcksAhead(false);
                u.shard.apply(marker);
                u.pending.add(marker);
            }
        }

        Behavior<Command> running() {
            if (turns != null) {
                inbox.direct = new PartInbox.Direct() {
                    @Override
                    public Outcome translate(TranslationRequest r, boolean traced) {
                        return translateDirect(r, traced);
                    }

                    @Override
                    public EntriesReport entries(org.iommusim.persistence.iotlb.IotlbEntry.Kind kind, int vmid,
                            int asid, long from, long to) {
                        return TranslationWorker.entries(units, kind, vmid, asid, from, to);
                    }
                };
            }
            if (direct != null) {
                direct.register(self, this::invalidateDirect);
            }
            return Behaviors.receive(Command.class)
                    .onMessage(Ring.class, r -> {
                        if (turns == null) {
                            inbox.serve(PARTS_PER_TURN, this::onPart);
                        } else {
                            serveInTurn();
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Translate.class, c -> {
                        if (turns == null || c.ticket() < 0) {
                            return onTranslate(c);
                        }
                        deferred.addLast(c);
                        serveInTurn();
                        return Behaviors.same();
                    })
                    .onMessage(InvalidationPort.Invalidate.class, this::onInvalidate)
                    .onMessage(IotlbJournal.Written.class, w -> {
                        Unit u = byTbu[w.tbu()];
                        u.writing = false;
                        u.marker.written();
                        if (!u.acks.isEmpty() || !flushWaiters.isEmpty() || u.marker.pending()) {
                            write(u);
                        } else {
                            afterTranslations(u); // a full batch goes now, a smaller one after the delay
                        }
                        flushed();
                        return Behaviors.same();
                    })
                    .onMessage(Flush.class, f -> {
                        if (f.closing()) {
                            close();
                        }
                        flushWaiters.add(f.onWritten());
                        units.forEach(this::write);
                        flushed();
                        return Behaviors.same();
                    })
                    .onMessage(FlushFills.class, f -> {
                        Unit u = byTbu[f.tbu()];
                        u.flushScheduled = false;
                        write(u);
                        return Behaviors.same();
                    })
                    .onMessage(GetShard.class, g -> {
                        g.replyTo().tell(report(units));
                        return Behaviors.same();
                    })
                    .onMessage(GetEntries.class, g -> {
                        g.replyTo().tell(entries(units, g));
                        return Behaviors.same();
                    })
                    .onMessage(Close.class, c -> {
                        unregister();
                        answerDeferred(c.reason());
                        return broken(ctx, name, c.reason(), units, inbox, turns);
                    })
                    .onSignal(Terminated.class, t -> {
                        unregister();
                        answerDeferred(name + " is out of service: a journal failed");
                        return failed(ctx, name, "a journal failed (see the log)", units, inbox, turns);
                    })
                    .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
                        inbox.direct = null; // stopped (its system, or a failure): no caller may use its state
                        unregister();
                        return Behaviors.same();
                    })
                    .build();
        }

        /**
         * Deterministic mode: takes parts and single requests in ticket order
         * while their tickets are served ({@link TcuTurns}), up to a turn's
         * worth; one whose ticket is not served yet waits, and its turn rings
         * this worker again.
         */
        private void serveInTurn() {
            for (int k = 0; k < PARTS_PER_TURN; k++) {
                TranslatePart p = inbox.peek();
                Translate t = deferred.peekFirst();
                if (p == null && t == null) {
                    inbox.drained();
                    return;
                }
                long pt = p == null ? Long.MAX_VALUE : p.ticket();
                long tt = t == null ? Long.MAX_VALUE : t.ticket();
                long ticket = Math.min(pt, tt);
                if (!turns.isTurn(ticket)) {
                    inbox.waitTurn();
                    return;
                }
                if (pt < tt) {
                    inbox.take();
                    onPart(p);
                } else {
                    deferred.pollFirst();
                    onTranslate(t);
                }
                turns.done(ticket);
            }
            inbox.later();
        }

        /**
         * One request, handled as its own turn would handle it, on the caller's thread while the model is at rest
         * ({@link TranslationPool#translateDirect}); null, and nothing done, while units wait here.
         */
        private Outcome translateDirect(TranslationRequest r, boolean traced) {
            if (!deferred.isEmpty() || inbox.peek() != null) {
                return null;
            }
            Outcome[] out = new Outcome[1];
            onTranslate(new Translate(r, o -> out[0] = o, -1, traced));
            return out[0];
        }

        /** Single requests still waiting for their turn, answered as terminated (the worker stops serving). */
        private void answerDeferred(String reason) {
            if (turns != null) {
                turns.open();
            }
            for (Translate t; (t = deferred.pollFirst()) != null; ) {
                answer(log, t.onDone(), terminated(t.request(), reason));
            }
        }

        private Unit unitFor(int sid) {
            int t = caps.tbuOf(sid);
            return t < byTbu.length ? byTbu[t] : null;
        }

        private void onPart(TranslatePart part) {
            faults.clear();
            TranslationBurst b = part.done().burst();
            Unit u = part.tbu() < byTbu.length ? byTbu[part.tbu()] : null;
            if (u == null) {
                terminatePart(part, "TBU " + part.tbu() + " is not served by " + name);
            } else {
                try {
                    u.translator.translate(b, part.from(), part.to(), smmu.config(), u.shard, faults);
                } catch (RuntimeException e) {
                    // a fault in the model itself: answer the whole part rather than leave the device waiting
                    log.error("translating a burst failed", e);
                    terminatePart(part, "model error: " + e);
                }
            }
            if (!faults.isEmpty()) {
                faultSink.offer(faults);
            }
            part.done().partDone();
            if (u != null) {
                afterTranslations(u);
            }
        }

        private Behavior<Command> onTranslate(Translate c) {
            Unit u = unitFor(c.request().sid());
            Outcome o;
            if (u == null) {
                o = terminated(c.request(), "the TBU of stream " + c.request().sid() + " is not served by " + name);
            } else {
                try {
                    o = c.traced() ? u.translator.translateTraced(c.request(), smmu.config(), u.shard)
                            : u.translator.translate(c.request(), smmu.config(), u.shard);
                } catch (RuntimeException e) {
                    log.error("translating a request failed", e);
                    o = terminated(c.request(), "model error: " + e);
                }
            }
            if (o.fault() != null) {
                faultSink.offer(o.fault());
            }
            answer(log, c.onDone(), o);
            if (u != null) {
                afterTranslations(u);
            }
            return Behaviors.same();
        }

        private void unregister() {
            if (direct != null) {
                direct.unregister(self);
            }
        }

        /**
         * The SMMU entity's direct delivery ({@link InvalidationPort.Direct}): applies {@code invalidations} as
         * {@link #onInvalidate} does and acknowledges them at once, their records written behind; false, and
         * nothing applied, while acknowledgements may not run ahead ({@link #acksAhead}).
         */
        private boolean invalidateDirect(List<IssuedInvalidation> invalidations) {
            if (!acksAhead()) {
                return false;
            }
            try {
                for (Unit u : units) {
                    for (IssuedInvalidation i : invalidations) {
                        if (i.tlbi() != null) {
                            u.pending.add(u.shard.invalidate(i.tlbi()));
                        }
                    }
                }
            } catch (RuntimeException e) {
                return false; // the message path meets the same failure in a turn of its own, and takes the worker out
            }
            units.forEach(this::afterTranslations);
            return true;
        }

        private Behavior<Command> onInvalidate(InvalidationPort.Invalidate inv) {
            try {
                for (Unit u : units) {
                    for (IssuedInvalidation i : inv.invalidations()) {
                        if (i.tlbi() != null) { // a CFGI is the TCU's configuration cache's only: acknowledged
                            u.pending.add(u.shard.invalidate(i.tlbi()));
                        }
                    }
                }
            } catch (RuntimeException e) {
                // an invalidation not applied can be neither acknowledged nor skipped: this worker is done
                log.error("applying an invalidation failed", e);
                answerDeferred(name + " is out of service: applying an invalidation failed");
                return failed(ctx, name, "applying an invalidation failed: " + e, units, inbox, turns);
            }
            SmmuEntity.InvalidationsApplied applied = new SmmuEntity.InvalidationsApplied(self, inv.lastSeq());
            if (acksAhead()) {
                inv.ackTo().tell(applied); // the records follow with the fills, behind the durable marker
                units.forEach(this::afterTranslations);
                return Behaviors.same();
            }
            IotlbJournal.Ack ack = new IotlbJournal.Ack(inv.ackTo(), applied, units.size());
            for (Unit u : units) {
                u.acks.add(ack);
                write(u);
            }
            return Behaviors.same();
        }

        private void afterTranslations(Unit u) {
            if (u.pending.size() >= settings.fillBatch()) {
                write(u);
            } else {
                scheduleFlush(u);
            }
        }

        private void scheduleFlush(Unit u) {
            if (!u.pending.isEmpty() && !u.flushScheduled && !u.writing) {
                u.flushScheduled = true;
                // as ctx.scheduleOnce does it (same scheduler, dispatcher and message), callable outside a turn
                scheduler.scheduleOnce(settings.fillDelay(), classicSelf, u.flush, dispatcher,
                        org.apache.pekko.actor.ActorRef.noSender());
            }
        }

        /** Once nothing is pending or being written in any TBU, tells whoever asked for a flush. */
        private void flushed() {
            if (flushWaiters.isEmpty()) {
                return;
            }
            for (Unit u : units) {
                if (u.writing) {
                    return;
                }
            }
            List<Runnable> done = List.copyOf(flushWaiters);
            flushWaiters.clear();
            done.forEach(r -> answer(log, x -> r.run(), null));
        }

        /** Sends what TBU {@code u} has pending to its journal, unless a write is in flight (it goes when that completes). */
        private void write(Unit u) {
            if (u.writing || (u.pending.isEmpty() && u.acks.isEmpty())) {
                return;
            }
            u.marker.sending(true); // a write takes everything pending, the marker with it
            u.journal.tell(new IotlbJournal.Write(List.copyOf(u.pending), List.copyOf(u.acks),
                    org.iommusim.actors.causal.StampingList.stampsOf(u.pending)));
            u.pending.clear();
            u.acks.clear();
            u.writing = true;
        }

        private static void terminatePart(TranslatePart part, String reason) {
            TranslationBurst b = part.done().burst();
            for (int j = part.from(); j < part.to(); j++) {
                BurstSlots.answerSlot(b, j,
                        new org.iommusim.protocol.translate.Terminated(BurstSlots.slotSid(b, j), reason));
            }
        }
    }

    private static ShardReport report(List<Unit> units) {
        return new ShardReport(units.stream().map(Unit::report).toList());
    }

    /**
     * A worker whose journal is gone: it can no longer keep its TLBs durable,
     * so it translates nothing (each request is answered as terminated, with
     * the reason) and acknowledges no invalidation. It still reports the
     * TLBs as they last were.
     */
    private static Behavior<Command> failed(ActorContext<Command> ctx, String name, String why, List<Unit> units,
            PartInbox inbox, TcuTurns turns) {
        ctx.getLog().error("{} is out of service: {}", name, why);
        units.forEach(u -> u.writing = false); // a journal gone answers no write: a stop must not wait for one
        return broken(ctx, name, why, units, inbox, turns);
    }

    private static Behavior<Command> broken(ActorContext<Command> ctx, String name, String why, List<Unit> units,
            PartInbox inbox, TcuTurns turns) {
        inbox.direct = null; // answered by the mailbox from now on: terminated, with the reason
        if (turns != null) {
            turns.open(); // nothing this worker holds will take its turn: no other worker waits for it
        }
        String reason = name + " is out of service: " + why;
        // a write sent before the worker closed (an invalidation that came between the close's flush and its
        // Close) is still in flight: a Flush waits for its answer, so the close stops no journal mid-write
        List<Runnable> settledWaiters = new ArrayList<>();
        return Behaviors.receive(Command.class)
                .onMessage(IotlbJournal.Written.class, w -> {
                    units.stream().filter(u -> u.tbu == w.tbu()).forEach(u -> u.writing = false);
                    settle(ctx, units, settledWaiters);
                    return Behaviors.same();
                })
                .onMessage(Ring.class, r -> {
                    // bounded as a live turn is: a callback that submits again must not keep this turn going
                    inbox.serve(PARTS_PER_TURN, part -> {
                        Live.terminatePart(part, reason);
                        part.done().partDone();
                    });
                    return Behaviors.same();
                })
                .onMessage(Translate.class, c -> {
                    answer(ctx.getLog(), c.onDone(), terminated(c.request(), reason));
                    return Behaviors.same();
                })
                .onMessage(GetShard.class, g -> {
                    g.replyTo().tell(report(units));
                    return Behaviors.same();
                })
                .onMessage(GetEntries.class, g -> {
                    g.replyTo().tell(entries(units, g));
                    return Behaviors.same();
                })
                .onMessage(Flush.class, f -> {
                    // nothing more is written: only a write already in flight holds up a stop
                    if (units.stream().anyMatch(u -> u.writing)) {
                        settledWaiters.add(f.onWritten());
                    } else {
                        answer(ctx.getLog(), x -> f.onWritten().run(), null);
                    }
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                // a journal that fails after the close answers no write in flight: the Flush waiting for it must
                // not wait out its timeout, and an unhandled Terminated would kill the worker (DeathPactException)
                .onSignal(Terminated.class, t -> {
                    ctx.getLog().error("{}: a journal failed after the worker closed (see the log)", name);
                    units.forEach(u -> u.writing = false);
                    settle(ctx, units, settledWaiters);
                    return Behaviors.same();
                })
                .build();
    }

    /** Answers the Flushes waiting for in-flight writes once none is left. */
    private static void settle(ActorContext<Command> ctx, List<Unit> units, List<Runnable> settledWaiters) {
        if (units.stream().noneMatch(u -> u.writing)) {
            List<Runnable> done = List.copyOf(settledWaiters);
            settledWaiters.clear();
            done.forEach(r -> answer(ctx.getLog(), x -> r.run(), null));
        }
    }

    private static Outcome terminated(TranslationRequest r, String reason) {
        return new Outcome(new org.iommusim.protocol.translate.Terminated(r.sid(), reason), Outcome.Path.CONFIG,
                List.of(), null, 0);
    }

    private static <T> void answer(org.slf4j.Logger log, Consumer<? super T> onDone, T value) {
        try {
            onDone.accept(value);
        } catch (RuntimeException | AssertionError e) {
            // the caller's code must not take this worker (and its IOTLB shard) down with it
            log.error("a translation callback threw; the request was answered", e);
        }
    }
}
