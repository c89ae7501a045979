package org.iommusim.actors.smmu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.iommusim.actors.Unpublished;
import org.iommusim.persistence.cmdq.QueueError;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.persistence.evtq.EventQueue;
import org.iommusim.persistence.smmu.Consumption;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.smmu.SmmuDecision;
import org.iommusim.persistence.smmu.SmmuInterrupt;
import org.iommusim.persistence.smmu.SmmuInterrupts;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;

import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.SyncCompletion;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * One SMMU ({@code smmu-<n>}): hosts the pure {@link SmmuState}. A submitted
 * batch is persisted together with everything the consumer could take from
 * it, as one atomic journal write; then the consumed TLBIs go out on the
 * {@link InvalidationPort}, CMD_SYNC notices go to listeners, and the new
 * configuration cache is published. A CMD_SYNC waits at the head of the queue
 * until every subscriber has acknowledged every TLBI before it.
 *
 * <p>Acknowledgements, waiters and listeners are volatile: after a restart the
 * TLBIs consumed since the last completed sync are sent again to each
 * subscriber when it subscribes (invalidation is idempotent).
 */
public final class SmmuEntity extends Unpublished<SmmuEntity.Command, SmmuChange, SmmuState> {

    /** Messages the SMMU accepts. */

    public sealed interface Command {}

    /**
     * Write entries at PROD. Answered with {@link Accepted} or {@link Rejected} ("queue full, N free"); with
     * {@code untilConsumed}, an accepted submission is answered instead once the consumer has passed its last
     * entry ({@link ConsumedPast}) or the queue halts at or before it ({@link QueueHalted}), as a driver polling
     * CMDQ_CONS after its CMD_SYNC sees it: one request where {@link AwaitConsumed} after the answer would be two.
     */
    public record Submit(List<RawCommand> entries, boolean untilConsumed, ActorRef<SubmitReply> replyTo)
            implements Command {
        /** Answered once written ({@link Accepted} or {@link Rejected}). */
        public Submit(List<RawCommand> entries, ActorRef<SubmitReply> replyTo) {
            this(entries, false, replyTo);
        }
    }

    /**
     * Requests gathered by the node, in arrival order, handled as one turn:
     * each is decided on the state the ones before it left, every change goes
     * to the journal in one atomic write (group commit), and the answers go out
     * after it, in order; {@code done} hears when that write is complete. The
     * node sends the next batch only then, so requests never pile up in this
     * entity's stash.
     */
    public record Batch(List<Command> commands, ActorRef<BatchDone> done) implements Command {}

    /** The write for a {@link Batch} is complete (or nothing needed writing). */
    public record BatchDone() implements org.apache.pekko.actor.DeadLetterSuppression {}

    /** Fault records wait in the SMMU's {@link FaultChannel}: take them all (one message, however many). */
    public record FaultsPending() implements Command, org.apache.pekko.actor.DeadLetterSuppression {
        static final FaultsPending INSTANCE = new FaultsPending();
    }

    /** Answer once the consumer has passed entry {@code index} (or the queue halts at or before it). */
    public record AwaitConsumed(long index, ActorRef<ConsumeReply> replyTo) implements Command {}

    /** Acknowledge a CERROR and resume; {@code replacement} (or null) overwrites the bad entry first. */
    public record Resume(RawCommand replacement, ActorRef<SubmitReply> replyTo) implements Command {}

    /** Ask for the pure state. */

    public record GetState(ActorRef<SmmuState> replyTo) implements Command {}

    /** Join the invalidation port; TLBIs consumed since the last completed sync are sent at once. */
    public record Subscribe(ActorRef<InvalidationPort.Invalidate> subscriber) implements Command {}

    /** Leave the invalidation port; pending syncs stop waiting for this subscriber. */

    public record Unsubscribe(ActorRef<InvalidationPort.Invalidate> subscriber) implements Command {}

    /** A subscriber has applied every invalidation numbered up to {@code upToSeq}. */
    public record InvalidationsApplied(ActorRef<InvalidationPort.Invalidate> subscriber, long upToSeq)
            implements Command, org.apache.pekko.actor.DeadLetterSuppression {}

    /** Receive a notice for each completed CMD_SYNC with CS=IRQ (the MSI write) or CS=SEV. */
    public record ListenForSyncs(ActorRef<SyncNotice> listener) implements Command {}

    /** Offer fault records to the event queue in order (translation uses the {@link FaultChannel} instead). */
    public record RecordFaults(List<SmmuEvent> records) implements Command {}

    /** Read up to {@code max} queued fault records (without consuming them). */

    public record ReadEvents(int max, ActorRef<EventQueueView> replyTo) implements Command {}

    /** Software programs SMMU_STRTAB_BASE_CFG: the stream table's format (persisted; before any submission). */
    public record ProgramStreamTable(StreamTableFormat format,
            ActorRef<SubmitReply> replyTo) implements Command {}

    /** Software writes a level-1 descriptor of the two-level stream table (persisted; memory, not the cache). */
    public record WriteL1Descriptor(int index, L1Descriptor descriptor,
            ActorRef<SubmitReply> replyTo) implements Command {}

    /** The reader consumed the first {@code count} records (persisted). */

    public record AcknowledgeEvents(int count, ActorRef<SubmitReply> replyTo) implements Command {}

    /** The reader saw the overflow flag; clear it (persisted). */

    public record AcknowledgeOverflow(ActorRef<SubmitReply> replyTo) implements Command {}

    private record ContinueConsumption() implements Command, org.apache.pekko.actor.DeadLetterSuppression {}

    /**
     * Stop once the write in flight (if any) has its answer: commands wait in
     * the stash while a write is in flight, so this one is taken only between
     * writes, and no journal answer reaches a stopped SMMU. A deletion of old
     * snapshots still unanswered (asked for after a snapshot, not waited for
     * by Pekko) is waited for too, so that its answer does not reach a
     * stopped SMMU either. What a clean close sends before the model's actors
     * are stopped.
     */
    public record Stop() implements Command {}

    /** The answer to a submission, resume or acknowledgement. */

    public sealed interface SubmitReply {}

    /** Accepted; the queue's producer index is now {@code prod} (entries are numbered from 0). */
    public record Accepted(long prod) implements SubmitReply {}

    /** Refused, with the reason (e.g. "queue full, N free"); nothing changed. */

    public record Rejected(String reason) implements SubmitReply {}

    /** The answer to {@link AwaitConsumed}, and to a {@link Submit} that waits until its entries are consumed. */

    public sealed interface ConsumeReply extends SubmitReply {}

    /** The consumer index is now {@code cons}, past the awaited entry. */

    public record ConsumedPast(long cons) implements ConsumeReply {}

    /** The queue stopped at or before the awaited entry. */

    public record QueueHalted(QueueError error) implements ConsumeReply {}

    /** A completed CMD_SYNC: with CS=IRQ, the model of the MSI write to {@code msiAddr} with {@code msiData}. */
    public record SyncNotice(String smmu, long index, SyncCompletion cs, long msiAddr, int msiData) {}

    /** The event queue as a reader sees it. */
    public record EventQueueView(List<SmmuEvent> records, boolean overflow, long lost, long consumed) {}

    /** Per-SMMU settings. */
    public record Settings(int consumeBatchLimit, int snapshotEvery) {
        public static Settings defaults() {
            return new Settings(256, 10_000);
        }

        public static Settings fromConfig(com.typesafe.config.Config config) {
            return new Settings(config.getInt("iommu-sim.smmu.consume-batch-limit"),
                    config.getInt("iommu-sim.smmu.snapshot-every"));
        }
    }

    private final ActorContext<Command> ctx;
    private final String id;
    private final SmmuCapabilities caps;
    private final StreamMemoryView memory;
    private final SmmuViews views;
    private final Settings settings;
    /**
     * Insertion-ordered: invalidations go to the subscribers in this map's
     * order, and an ActorRef's hash is its actor's random uid, so a hash order
     * would differ from run to run (and with it the deterministic mode's journal).
     */
    private final Map<ActorRef<InvalidationPort.Invalidate>, Long> acked = new LinkedHashMap<>();
    private final List<AwaitConsumed> waiters = new ArrayList<>();
    private final List<ActorRef<SyncNotice>> listeners = new ArrayList<>();
    private final FaultChannel faults;
    private InterruptLine interrupts = new InterruptLine();
    private InvalidationPort.Directory direct;

    private SmmuEntity(ActorContext<Command> ctx, String id, SmmuCapabilities caps, StreamMemoryView memory,
            SmmuViews views, Settings settings, List<ActorRef<InvalidationPort.Invalidate>> subscribers,
            FaultChannel faults) {
        super(PersistenceId.ofUniqueId(id));
        this.faults = faults;
        this.ctx = ctx;
        this.id = id;
        this.caps = caps;
        this.memory = memory;
        this.views = views;
        this.settings = settings;
        this.deletions = new org.iommusim.actors.SnapshotDeletions(retentionCriteria());
        subscribers.forEach(sub -> acked.put(sub, 0L));
    }

    /**
     * @param caps        configure a new SMMU; an SMMU with a journal keeps the capabilities it recorded
     * @param subscribers the invalidation port's subscribers from the start (the translation pool's
     *                    workers). They must be known before recovery ends: a restarted SMMU sends them
     *                    the TLBIs consumed since the last completed sync before it consumes anything, so
     *                    a pending CMD_SYNC cannot complete without them.
     */
    public static Behavior<Command> create(String id, SmmuCapabilities caps, StreamMemoryView memory, SmmuViews views,
            Settings settings, List<ActorRef<InvalidationPort.Invalidate>> subscribers) {
        return create(id, caps, memory, views, settings, subscribers, new FaultChannel(caps.eventQueueCapacity()));
    }

    /** As above, with the channel through which translation offers fault records. */
    public static Behavior<Command> create(String id, SmmuCapabilities caps, StreamMemoryView memory, SmmuViews views,
            Settings settings, List<ActorRef<InvalidationPort.Invalidate>> subscribers, FaultChannel faults) {
        return Behaviors.setup(ctx -> {
            faults.attach(ctx.getSelf());
            return new SmmuEntity(ctx, id, caps, memory, views, settings, subscribers, faults);
        });
    }

    /** As above, raising its interrupts ({@link SmmuInterrupts}) on {@code interrupts} after each write. */
    public static Behavior<Command> create(String id, SmmuCapabilities caps, StreamMemoryView memory, SmmuViews views,
            Settings settings, List<ActorRef<InvalidationPort.Invalidate>> subscribers, FaultChannel faults,
            InterruptLine interrupts) {
        return Behaviors.setup(ctx -> {
            faults.attach(ctx.getSelf());
            SmmuEntity e = new SmmuEntity(ctx, id, caps, memory, views, settings, subscribers, faults);
            e.interrupts = interrupts;
            return e;
        });
    }

    /**
     * As above; in deterministic mode, {@code direct} holds the subscribers' own handlers, which this entity runs
     * in its turn to apply what it consumes (see {@link #deliverDirect}).
     */
    public static Behavior<Command> create(String id, SmmuCapabilities caps, StreamMemoryView memory, SmmuViews views,
            Settings settings, List<ActorRef<InvalidationPort.Invalidate>> subscribers, FaultChannel faults,
            InterruptLine interrupts, InvalidationPort.Directory direct) {
        return Behaviors.setup(ctx -> {
            faults.attach(ctx.getSelf());
            SmmuEntity e = new SmmuEntity(ctx, id, caps, memory, views, settings, subscribers, faults);
            e.interrupts = interrupts;
            e.direct = direct;
            return e;
        });
    }

    @Override
    public SmmuState emptyState() {
        return SmmuState.UNCONFIGURED;
    }

    /** Every event with its causal stamp, taken as it is decided. */
    @Override
    public org.apache.pekko.persistence.typed.EventAdapter<SmmuChange, ?> eventAdapter() {
        return org.iommusim.actors.causal.CausalAdapter.of(ctx.getSystem());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return settings.snapshotEvery() > 0 ? RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
                : RetentionCriteria.disabled();
    }

    @Override
    public CommandHandler<Command, SmmuChange, SmmuState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Batch.class, (s, b) -> turn(s, b.commands(), b.done()))
                .onCommand(FaultsPending.class, this::onFaultsPending)
                .onCommand(InvalidationsApplied.class, (s, a) -> {
                    acked.computeIfPresent(a.subscriber(), (k, v) -> Math.max(v, a.upToSeq()));
                    return turn(s, List.of(), null);
                })
                .onCommand(ContinueConsumption.class, (s, c) -> turn(s, List.of(), null))
                .onCommand(Stop.class, (s, c) -> {
                    if (deletions.awaited()) {
                        stopWhenDeleted = true; // the last answer sends Stop again
                        return Effect().none();
                    }
                    return stop(s);
                })
                .onAnyCommand((s, c) -> turn(s, List.of(c), null));
    }

    /**
     * One turn: every request decided in order on the state the ones before it
     * left, then whatever the consumer can take, all persisted as one atomic
     * write; the answers and the consumed TLBIs go out after the write, in
     * order. A turn with nothing to write answers at once.
     */
    private Effect<SmmuChange, SmmuState> turn(SmmuState s, List<Command> requests, ActorRef<BatchDone> done) {
        Turn t = new Turn(s, applied);
        for (Command c : requests) {
            fold(t, c);
        }
        consume(t);
        EffectBuilder<SmmuChange, SmmuState> effect = t.events.isEmpty() ? Effect().none() : Effect().persist(t.events);
        List<SmmuInterrupt> raised = interrupts.connected() ? SmmuInterrupts.raisedBy(s, t.events) : List.of();
        return effect.thenRun(st -> {
            interrupts.raise(raised);
            t.after.forEach(a -> a.accept(st));
            finish(st, t.consumedAny);
            if (done != null) {
                done.tell(new BatchDone());
            }
        });
    }

    /** A state change a turn computed: {@code from} with {@code event} applied gives {@code to}. */
    private record Applied(SmmuState from, SmmuChange event, SmmuState to) {}

    /** This turn's state changes in order, for the event handler that applies them next (see {@link #applyEvent}). */
    private final java.util.ArrayDeque<Applied> applied = new java.util.ArrayDeque<>();
    /** Deletions of old snapshots asked for and not yet answered: a Stop waits for them. */
    private final org.iommusim.actors.SnapshotDeletions deletions;
    private boolean stopWhenDeleted;

    /** The state a turn builds up, with what to do once its write is complete. */
    private static final class Turn {
        SmmuState state;
        final List<SmmuChange> events = new ArrayList<>();
        final List<java.util.function.Consumer<SmmuState>> after = new ArrayList<>();
        final java.util.ArrayDeque<Applied> applied;
        boolean consumedAny;

        Turn(SmmuState state, java.util.ArrayDeque<Applied> applied) {
            this.state = state;
            this.applied = applied;
            applied.clear(); // what an earlier turn left unpersisted is not this turn's
        }

        void apply(List<SmmuChange> changes) {
            for (SmmuChange e : changes) {
                events.add(e);
                SmmuState next = state.apply(e);
                applied.addLast(new Applied(state, e, next));
                state = next;
            }
        }

        void after(java.util.function.Consumer<SmmuState> action) {
            after.add(action);
        }

        /** Accepted: answered with the producer index as it stands now. */
        void accepted(ActorRef<SubmitReply> replyTo) {
            long prod = state.queue().prod();
            after(st -> replyTo.tell(new Accepted(prod)));
        }

        void rejected(ActorRef<SubmitReply> replyTo, String reason) {
            after(st -> replyTo.tell(new Rejected(reason)));
        }
    }

    private void fold(Turn t, Command c) {
        if (c instanceof Submit sub) {
            configure(t);
            SmmuDecision d = t.state.decideSubmit(sub.entries());
            if (sub.untilConsumed() && d instanceof SmmuDecision.Accept) {
                decided(t, d, null, true);
                // its last entry, awaited as AwaitConsumed would: answered in finish, by the state after the write
                AwaitConsumed w = new AwaitConsumed(t.state.queue().prod() - 1, sub.replyTo().narrow());
                t.after(st -> waiters.add(w));
            } else {
                decided(t, d, sub.replyTo(), true);
            }
        } else if (c instanceof Resume r) {
            decided(t, t.state.decideResume(r.replacement()), r.replyTo(), true);
        } else if (c instanceof ProgramStreamTable p) {
            configure(t);
            t.after(st -> views.publish(st.config())); // in force before the answer: the SMMU reads this memory
            decided(t, t.state.decideStreamTable(p.format()), p.replyTo(), false);
        } else if (c instanceof WriteL1Descriptor w) {
            configure(t);
            t.after(st -> views.publish(st.config()));
            decided(t, t.state.decideWriteL1(w.index(), w.descriptor()), w.replyTo(), false);
        } else if (c instanceof AcknowledgeEvents a) {
            decided(t, t.state.decideConsumeEvents(a.count()), a.replyTo(), false);
        } else if (c instanceof AcknowledgeOverflow a) {
            if (!t.state.events().overflow()) {
                t.rejected(a.replyTo(), "the event queue has not overflowed");
            } else {
                t.apply(List.of(new SmmuChange.OverflowAcknowledged()));
                t.accepted(a.replyTo());
            }
        } else if (c instanceof RecordFaults f) {
            if (!f.records().isEmpty()) {
                configure(t);
                t.apply(List.of(new SmmuChange.FaultsRecorded(f.records())));
            }
        } else if (c instanceof AwaitConsumed a) {
            t.after(st -> waiters.add(a)); // answered in finish, by the state after the write
        } else if (c instanceof GetState g) {
            SmmuState now = t.state;
            t.after(st -> g.replyTo().tell(now));
        } else if (c instanceof ReadEvents r) {
            EventQueueView now = view(t.state.events(), r.max());
            t.after(st -> r.replyTo().tell(now));
        } else if (c instanceof Subscribe sub) {
            // owed from now: later consumption in this turn already waits for it
            List<IssuedInvalidation> owed = owe(t.state, sub.subscriber());
            t.after(st -> send(sub.subscriber(), owed));
        } else if (c instanceof Unsubscribe u) {
            acked.remove(u.subscriber());
        } else if (c instanceof ListenForSyncs l) {
            t.after(st -> listeners.add(l.listener()));
        } else if (c instanceof InvalidationsApplied a) {
            acked.computeIfPresent(a.subscriber(), (k, v) -> Math.max(v, a.upToSeq()));
        } else if (c instanceof Batch || c instanceof FaultsPending || c instanceof ContinueConsumption) {
            throw new IllegalArgumentException(c.getClass().getSimpleName() + " cannot be part of a batch");
        } else {
            throw new IllegalArgumentException("unknown SMMU command " + c);
        }
    }

    /** Applies an accepted decision and answers {@code replyTo} (null: the caller answers the request itself). */
    private void decided(Turn t, SmmuDecision d, ActorRef<SubmitReply> replyTo, boolean consumes) {
        if (d instanceof SmmuDecision.Reject r) {
            t.rejected(replyTo, r.reason());
            return;
        }
        t.apply(((SmmuDecision.Accept) d).events());
        if (consumes) {
            consume(t);
        }
        if (replyTo != null) {
            t.accepted(replyTo);
        }
    }

    /**
     * A new SMMU records its capabilities in the same write as its first change,
     * so no command can overtake the configuration and the journal is
     * self-describing from its first event.
     */
    private void configure(Turn t) {
        if (!t.state.configured()) {
            t.apply(List.of(new SmmuChange.Configured(caps)));
        }
    }

    /**
     * Whatever the consumer can take now; the TLBIs and sync notices go out after the write. In deterministic mode
     * a subscriber that can take them at once applies the consumed TLBIs in this turn ({@link #deliverDirect}), so
     * a CMD_SYNC behind them can complete in the same turn and the same write: the consumer goes on, up to its
     * batch limit, while each pass stopped at a sync that direct delivery then released.
     */
    private void consume(Turn t) {
        int budget = settings.consumeBatchLimit();
        while (budget > 0) {
            Consumption.Result r = Consumption.run(t.state, memory, ackedThrough(t.state), budget);
            if (r.events().isEmpty()) {
                return;
            }
            List<org.iommusim.protocol.command.Command> consumed = r.consumed();
            budget -= Math.max(1, consumed.size());
            List<IssuedInvalidation> issued = t.state.invalidationsIn(consumed);
            long firstIndex = t.state.queue().cons();
            t.apply(r.events());
            t.consumedAny = true;
            java.util.Set<ActorRef<InvalidationPort.Invalidate>> applied = deliverDirect(issued);
            t.after(st -> afterConsumption(issued, applied, consumed, firstIndex));
            if (!r.waitingAtSync() || applied.isEmpty()) {
                return;
            }
        }
    }

    /**
     * Deterministic mode: runs each subscriber's own handler on {@code issued} now, in this turn, where it has
     * applied everything sent to it before (its acknowledgements are in, so no earlier invalidation waits in its
     * mailbox); those that acknowledge at once are not sent them again after the write. Applying an invalidation
     * before the consumption is durable loses nothing: a cache may always forget, and a restart sends again what
     * its last completed sync does not cover.
     */
    private java.util.Set<ActorRef<InvalidationPort.Invalidate>> deliverDirect(List<IssuedInvalidation> issued) {
        if (direct == null || issued.isEmpty()) {
            return java.util.Set.of();
        }
        long first = issued.get(0).seq();
        long last = issued.get(issued.size() - 1).seq();
        java.util.Set<ActorRef<InvalidationPort.Invalidate>> applied = new java.util.HashSet<>();
        for (Map.Entry<ActorRef<InvalidationPort.Invalidate>, Long> e : acked.entrySet()) {
            InvalidationPort.Direct d = e.getValue() == first - 1 ? direct.of(e.getKey()) : null;
            if (d != null && d.apply(issued)) {
                e.setValue(last);
                applied.add(e.getKey());
            }
        }
        return applied;
    }

    /** The fault records waiting in the channel (and any lost on the way) in one write. */
    private Effect<SmmuChange, SmmuState> onFaultsPending(SmmuState s, FaultsPending p) {
        FaultChannel.Drained d = faults.drain();
        if (d.isEmpty()) {
            return Effect().none();
        }
        Turn t = faultsRecorded(s, d);
        List<SmmuInterrupt> raised = interrupts.connected() ? SmmuInterrupts.raisedBy(s, t.events) : List.of();
        return Effect().persist(t.events).thenRun(st -> interrupts.raise(raised));
    }

    /** A clean close's stop: the faults still waiting in the channel are recorded first (one last write). */
    private Effect<SmmuChange, SmmuState> stop(SmmuState s) {
        FaultChannel.Drained d = faults.drain();
        if (d.isEmpty()) {
            return Effect().stop();
        }
        Turn t = faultsRecorded(s, d);
        List<SmmuInterrupt> raised = interrupts.connected() ? SmmuInterrupts.raisedBy(s, t.events) : List.of();
        return Effect().persist(t.events).thenRun(st -> interrupts.raise(raised)).thenStop();
    }

    private Turn faultsRecorded(SmmuState s, FaultChannel.Drained d) {
        Turn t = new Turn(s, applied);
        configure(t);
        if (!d.records().isEmpty()) {
            t.apply(List.of(new SmmuChange.FaultsRecorded(d.records())));
        }
        if (d.lost() > 0) {
            t.apply(List.of(new SmmuChange.FaultsLost(d.lost())));
        }
        return t;
    }

    private void afterConsumption(List<IssuedInvalidation> issued,
            java.util.Set<ActorRef<InvalidationPort.Invalidate>> appliedDirectly,
            List<org.iommusim.protocol.command.Command> consumed, long firstIndex) {
        if (!issued.isEmpty()) {
            for (ActorRef<InvalidationPort.Invalidate> sub : acked.keySet()) {
                if (!appliedDirectly.contains(sub)) {
                    sub.tell(new InvalidationPort.Invalidate(issued, ctx.getSelf()));
                }
            }
        }
        for (int i = 0; i < consumed.size(); i++) {
            if (consumed.get(i) instanceof CmdSync sync && sync.cs() != SyncCompletion.NONE) {
                SyncNotice notice = new SyncNotice(id, firstIndex + i, sync.cs(), sync.msiAddr(), sync.msiData());
                listeners.forEach(l -> l.tell(notice));
            }
        }
    }

    /** After a turn's write: publish what is in force, answer waiters, and go on consuming if the queue can. */
    private void finish(SmmuState st, boolean consumed) {
        if (consumed) {
            views.publish(st.config());
        }
        answerWaiters(st);
        if (consumed && st.queue().hasPending() && !st.queue().halted() && !waitingAtSync(st)) {
            ctx.getSelf().tell(new ContinueConsumption());
        }
    }

    private boolean waitingAtSync(SmmuState st) {
        return Consumption.run(st, memory, ackedThrough(st), 1).waitingAtSync();
    }

    /** A subscriber starts owing acknowledgements for every TLBI not yet covered by a completed sync. */
    private List<IssuedInvalidation> owe(SmmuState s, ActorRef<InvalidationPort.Invalidate> subscriber) {
        List<IssuedInvalidation> unsynced = s.unsynced();
        acked.put(subscriber, unsynced.isEmpty() ? s.invalidationsIssued() : unsynced.get(0).seq() - 1);
        return unsynced;
    }

    private void send(ActorRef<InvalidationPort.Invalidate> subscriber, List<IssuedInvalidation> owed) {
        if (!owed.isEmpty()) {
            subscriber.tell(new InvalidationPort.Invalidate(owed, ctx.getSelf()));
        }
    }

    private void answerWaiters(SmmuState s) {
        waiters.removeIf(w -> {
            if (s.queue().cons() > w.index()) {
                w.replyTo().tell(new ConsumedPast(s.queue().cons()));
                return true;
            }
            QueueError e = s.queue().error();
            if (e != null && e.index() <= w.index()) {
                w.replyTo().tell(new QueueHalted(e));
                return true;
            }
            return false;
        });
    }

    private long ackedThrough(SmmuState s) {
        long min = Long.MAX_VALUE;
        for (long v : acked.values()) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static EventQueueView view(EventQueue q, int max) {
        List<SmmuEvent> head = q.records().subList(0, Math.min(Math.max(0, max), q.records().size()));
        return new EventQueueView(List.copyOf(head), q.overflow(), q.lost(), q.consumed());
    }

    @Override
    public EventHandler<SmmuState, SmmuChange> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(this::applyEvent);
    }

    /**
     * One state change, as decided (the pure {@link SmmuState#apply}). Pekko applies a persisted event right after
     * the command handler that decided it, in the same turn; the turn already computed that very change on that
     * very state to decide what followed, so the result is taken, not computed twice (a batch's consumption
     * walks every entry). Anything else (recovery, another state or event) is computed.
     */
    private SmmuState applyEvent(SmmuState s, SmmuChange e) {
        Applied a = applied.pollFirst();
        if (a != null && a.from() == s && a.event() == e) {
            return a.to();
        }
        applied.clear();
        return s.apply(e);
    }

    @Override
    public SignalHandler<SmmuState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            List.copyOf(acked.keySet()).forEach(sub -> send(sub, owe(s, sub)));
            views.publish(s.config());
            if (s.queue().hasPending() && !s.queue().halted()) {
                ctx.getSelf().tell(new ContinueConsumption());
            }
        })
                .onSignal(org.apache.pekko.persistence.typed.SnapshotCompleted.class,
                        (s, c) -> deletions.snapshotSaved(c.metadata().sequenceNr()))
                .onSignal(org.apache.pekko.persistence.typed.DeleteSnapshotsCompleted.class, (s, c) -> deleted())
                .onSignal(org.apache.pekko.persistence.typed.DeleteSnapshotsFailed.class, (s, c) -> deleted())
                .build();
    }

    private void deleted() {
        if (deletions.answered() && stopWhenDeleted) {
            stopWhenDeleted = false;
            ctx.getSelf().tell(new Stop());
        }
    }
}
