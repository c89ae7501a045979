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
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.iommusim.persistence.cmdq.QueueError;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.persistence.evtq.EventQueue;
import org.iommusim.persistence.smmu.Consumption;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.smmu.SmmuDecision;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;

import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.SyncCompletion;
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
public final class SmmuEntity extends EventSourcedBehavior<SmmuEntity.Command, SmmuChange, SmmuState> {

    /** Messages the SMMU accepts. */

    public sealed interface Command {}

    /** Write entries at PROD. Answered with {@link Accepted} or {@link Rejected} ("queue full, N free"). */
    public record Submit(List<RawCommand> entries, ActorRef<SubmitReply> replyTo) implements Command {}

    /**
     * Several producers' submissions, gathered by the node while a write was in
     * flight: each is accepted or refused on its own, in order, and all accepted
     * ones go to the journal, with what the consumer then takes, in one atomic
     * write (group commit); {@code done} hears when that write is complete.
     */
    public record SubmitAll(List<Submit> submissions, ActorRef<WriteDone> done) implements Command {}

    /** The write for a {@link SubmitAll} is complete (or nothing needed writing). */
    public record WriteDone() {}

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
            implements Command {}

    /** Receive a notice for each completed CMD_SYNC with CS=IRQ (the MSI write) or CS=SEV. */
    public record ListenForSyncs(ActorRef<SyncNotice> listener) implements Command {}

    /** Offer fault records to the event queue (from translation). */
    public record RecordFaults(List<SmmuEvent> records) implements Command {}

    /** Read up to {@code max} queued fault records (without consuming them). */

    public record ReadEvents(int max, ActorRef<EventQueueView> replyTo) implements Command {}

    /** The reader consumed the first {@code count} records (persisted). */

    public record AcknowledgeEvents(int count, ActorRef<SubmitReply> replyTo) implements Command {}

    /** The reader saw the overflow flag; clear it (persisted). */

    public record AcknowledgeOverflow(ActorRef<SubmitReply> replyTo) implements Command {}

    private record ContinueConsumption() implements Command {}

    /** The answer to a submission, resume or acknowledgement. */

    public sealed interface SubmitReply {}

    /** Accepted; the queue's producer index is now {@code prod} (entries are numbered from 0). */
    public record Accepted(long prod) implements SubmitReply {}

    /** Refused, with the reason (e.g. "queue full, N free"); nothing changed. */

    public record Rejected(String reason) implements SubmitReply {}

    /** The answer to {@link AwaitConsumed}. */

    public sealed interface ConsumeReply {}

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
            return new Settings(256, 1000);
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

    private SmmuEntity(ActorContext<Command> ctx, String id, SmmuCapabilities caps, StreamMemoryView memory,
            SmmuViews views, Settings settings, List<ActorRef<InvalidationPort.Invalidate>> subscribers) {
        super(PersistenceId.ofUniqueId(id));
        this.ctx = ctx;
        this.id = id;
        this.caps = caps;
        this.memory = memory;
        this.views = views;
        this.settings = settings;
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
        return Behaviors.setup(ctx -> new SmmuEntity(ctx, id, caps, memory, views, settings, subscribers));
    }

    @Override
    public SmmuState emptyState() {
        return SmmuState.UNCONFIGURED;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return settings.snapshotEvery() > 0 ? RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
                : RetentionCriteria.disabled();
    }

    @Override
    public CommandHandler<Command, SmmuChange, SmmuState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Submit.class, this::onSubmit)
                .onCommand(SubmitAll.class, this::onSubmitAll)
                .onCommand(Resume.class, this::onResume)
                .onCommand(ContinueConsumption.class, (s, c) -> consume(s, List.of(), null))
                .onCommand(InvalidationsApplied.class, this::onApplied)
                .onCommand(AwaitConsumed.class, this::onAwait)
                .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), s))
                .onCommand(Subscribe.class, this::onSubscribe)
                .onCommand(Unsubscribe.class, (s, c) -> {
                    acked.remove(c.subscriber());
                    return consume(s, List.of(), null);
                })
                .onCommand(ListenForSyncs.class, (s, c) -> {
                    listeners.add(c.listener());
                    return Effect().none();
                })
                .onCommand(RecordFaults.class, (s, c) -> {
                    if (c.records().isEmpty()) {
                        return Effect().none();
                    }
                    List<SmmuChange> events = new ArrayList<>(configuredPrefix(s));
                    events.add(new SmmuChange.FaultsRecorded(c.records()));
                    return Effect().persist(events);
                })
                .onCommand(ReadEvents.class, (s, c) -> Effect().reply(c.replyTo(), view(s.events(), c.max())))
                .onCommand(AcknowledgeEvents.class, (s, c) -> decided(s.decideConsumeEvents(c.count()), c.replyTo()))
                .onCommand(AcknowledgeOverflow.class, (s, c) -> !s.events().overflow()
                        ? Effect().reply(c.replyTo(), new Rejected("the event queue has not overflowed"))
                        : Effect().persist(new SmmuChange.OverflowAcknowledged())
                                .thenReply(c.replyTo(), st -> new Accepted(st.queue().prod())))
                .build();
    }

    private Effect<SmmuChange, SmmuState> onSubmit(SmmuState s, Submit c) {
        List<SmmuChange> prefix = configuredPrefix(s);
        SmmuDecision d = (prefix.isEmpty() ? s : s.apply(prefix.get(0))).decideSubmit(c.entries());
        if (d instanceof SmmuDecision.Reject r) {
            return Effect().reply(c.replyTo(), new Rejected(r.reason()));
        }
        List<SmmuChange> leading = new ArrayList<>(prefix);
        leading.addAll(((SmmuDecision.Accept) d).events());
        return consume(s, leading, c.replyTo());
    }

    private Effect<SmmuChange, SmmuState> onSubmitAll(SmmuState s, SubmitAll all) {
        List<SmmuChange> leading = new ArrayList<>(configuredPrefix(s));
        SmmuState state = leading.isEmpty() ? s : s.apply(leading.get(0));
        List<ActorRef<SubmitReply>> accepted = new ArrayList<>();
        List<Long> prods = new ArrayList<>();
        for (Submit sub : all.submissions()) {
            SmmuDecision d = state.decideSubmit(sub.entries());
            if (d instanceof SmmuDecision.Reject r) {
                sub.replyTo().tell(new Rejected(r.reason()));
                continue;
            }
            for (SmmuChange e : ((SmmuDecision.Accept) d).events()) {
                leading.add(e);
                state = state.apply(e);
            }
            accepted.add(sub.replyTo());
            prods.add(state.queue().prod());
        }
        if (accepted.isEmpty()) {
            all.done().tell(new WriteDone());
            return Effect().none();
        }
        // one write for every accepted batch, with all the consumer can take from them
        int entries = 0;
        for (Submit sub : all.submissions()) {
            entries += sub.entries().size();
        }
        return consume(s, leading, null, Math.max(settings.consumeBatchLimit(), entries)).thenRun(st -> {
            for (int i = 0; i < accepted.size(); i++) {
                accepted.get(i).tell(new Accepted(prods.get(i)));
            }
            all.done().tell(new WriteDone());
        });
    }

    /**
     * A new SMMU records its capabilities in the same write as its first change,
     * so no command can overtake the configuration and the journal is
     * self-describing from its first event.
     */
    private List<SmmuChange> configuredPrefix(SmmuState s) {
        return s.configured() ? List.of() : List.of(new SmmuChange.Configured(caps));
    }

    private Effect<SmmuChange, SmmuState> onResume(SmmuState s, Resume c) {
        SmmuDecision d = s.decideResume(c.replacement());
        if (d instanceof SmmuDecision.Reject r) {
            return Effect().reply(c.replyTo(), new Rejected(r.reason()));
        }
        return consume(s, ((SmmuDecision.Accept) d).events(), c.replyTo());
    }

    private Effect<SmmuChange, SmmuState> decided(SmmuDecision d, ActorRef<SubmitReply> replyTo) {
        if (d instanceof SmmuDecision.Reject r) {
            return Effect().reply(replyTo, new Rejected(r.reason()));
        }
        return Effect().persist(((SmmuDecision.Accept) d).events())
                .thenReply(replyTo, st -> new Accepted(st.queue().prod()));
    }

    /**
     * Persists {@code leading} events (a submission or resume) together with
     * what the consumer then takes, as one atomic write; afterwards sends the
     * consumed TLBIs, sync notices and the new configuration view.
     */
    private EffectBuilder<SmmuChange, SmmuState> consume(SmmuState s, List<SmmuChange> leading,
            ActorRef<SubmitReply> replyTo) {
        return consume(s, leading, replyTo, settings.consumeBatchLimit());
    }

    private EffectBuilder<SmmuChange, SmmuState> consume(SmmuState s, List<SmmuChange> leading,
            ActorRef<SubmitReply> replyTo, int limit) {
        SmmuState after = s;
        for (SmmuChange e : leading) {
            after = after.apply(e);
        }
        Consumption.Result r = Consumption.run(after, memory, ackedThrough(after), limit);
        List<SmmuChange> events = new ArrayList<>(leading);
        events.addAll(r.events());
        if (events.isEmpty()) {
            long prod = s.queue().prod();
            return replyTo == null ? Effect().none() : Effect().none().thenRun(st -> replyTo.tell(new Accepted(prod)));
        }
        List<org.iommusim.protocol.command.Command> consumed = r.consumed();
        List<IssuedInvalidation> issued = after.invalidationsIn(consumed);
        long firstIndex = after.queue().cons();
        return Effect().persist(events).thenRun(st -> afterConsumption(st, issued, consumed, firstIndex))
                .thenRun(st -> {
                    if (replyTo != null) {
                        replyTo.tell(new Accepted(st.queue().prod()));
                    }
                });
    }

    private void afterConsumption(SmmuState st, List<IssuedInvalidation> issued,
            List<org.iommusim.protocol.command.Command> consumed, long firstIndex) {
        if (!issued.isEmpty()) {
            for (ActorRef<InvalidationPort.Invalidate> sub : acked.keySet()) {
                sub.tell(new InvalidationPort.Invalidate(issued, ctx.getSelf()));
            }
        }
        for (int i = 0; i < consumed.size(); i++) {
            if (consumed.get(i) instanceof CmdSync sync && sync.cs() != SyncCompletion.NONE) {
                SyncNotice notice = new SyncNotice(id, firstIndex + i, sync.cs(), sync.msiAddr(), sync.msiData());
                listeners.forEach(l -> l.tell(notice));
            }
        }
        views.publish(st.config());
        answerWaiters(st);
        if (st.queue().hasPending() && !st.queue().halted() && !waitingAtSync(st)) {
            ctx.getSelf().tell(new ContinueConsumption());
        }
    }

    private boolean waitingAtSync(SmmuState st) {
        return Consumption.run(st, memory, ackedThrough(st), 1).waitingAtSync();
    }

    private Effect<SmmuChange, SmmuState> onApplied(SmmuState s, InvalidationsApplied a) {
        acked.computeIfPresent(a.subscriber(), (k, v) -> Math.max(v, a.upToSeq()));
        return consume(s, List.of(), null);
    }

    private Effect<SmmuChange, SmmuState> onSubscribe(SmmuState s, Subscribe c) {
        prime(s, c.subscriber());
        return Effect().none();
    }

    /** A subscriber starts owing acknowledgements for every TLBI not yet covered by a completed sync. */
    private void prime(SmmuState s, ActorRef<InvalidationPort.Invalidate> subscriber) {
        List<IssuedInvalidation> unsynced = s.unsynced();
        acked.put(subscriber, unsynced.isEmpty() ? s.invalidationsIssued() : unsynced.get(0).seq() - 1);
        if (!unsynced.isEmpty()) {
            subscriber.tell(new InvalidationPort.Invalidate(unsynced, ctx.getSelf()));
        }
    }

    private Effect<SmmuChange, SmmuState> onAwait(SmmuState s, AwaitConsumed a) {
        waiters.add(a);
        answerWaiters(s);
        return Effect().none();
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
        return newEventHandlerBuilder().forAnyState().onAnyEvent(SmmuState::apply);
    }

    @Override
    public SignalHandler<SmmuState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            List.copyOf(acked.keySet()).forEach(sub -> prime(s, sub));
            views.publish(s.config());
            if (s.queue().hasPending() && !s.queue().halted()) {
                ctx.getSelf().tell(new ContinueConsumption());
            }
        }).build();
    }
}
