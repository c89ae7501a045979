package org.iommusim.actors.translate;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.iommusim.actors.Unpublished;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.iotlb.IotlbSnapshot;

/**
 * The journal of one TBU's TLB ({@code smmu-<n>/tbu-<k>}): an
 * event-sourced replica of the TLB its {@link TranslationWorker} serves
 * from. The worker applies fills and invalidations to its live shard at
 * once and sends them here in order, one write at a time; this actor
 * persists each batch, applies it to its replica (through
 * {@link IotlbShard#apply}, the one rule replay also uses), and only then
 * sends the invalidation acknowledgements the batch carries. Its state is
 * therefore exactly the journal's, so its snapshots are exact; after a
 * restart it hands the recovered shard to the worker.
 *
 * <p>Kept apart from the worker so that translations never wait behind a
 * journal write (an event-sourced actor stashes every command meanwhile) and
 * the hot path carries none of the persistence machinery.
 */
final class IotlbJournal extends Unpublished<IotlbJournal.Command, IotlbEvent, ShardState> {

    sealed interface Command {}

    /**
     * Persist {@code events}, then send {@code acks}, then tell the worker.
     * {@code stamps}: the events' causal stamps, taken when the worker
     * decided them (none: stamped as written).
     */
    record Write(List<IotlbEvent> events, List<Ack> acks, List<org.iommusim.persistence.serialization.CausalStamp> stamps)
            implements Command {
        Write(List<IotlbEvent> events, List<Ack> acks) {
            this(events, acks, List.of());
        }
    }

    /**
     * An invalidation acknowledgement, sent once its events are durable in the
     * journal of every TBU the worker serves: each write that carries it counts
     * one down, the last sends it.
     */
    static final class Ack {
        private final ActorRef<SmmuEntity.Command> to;
        private final SmmuEntity.InvalidationsApplied message;
        private final java.util.concurrent.atomic.AtomicInteger journals;

        Ack(ActorRef<SmmuEntity.Command> to, SmmuEntity.InvalidationsApplied message, int journals) {
            this.to = to;
            this.message = message;
            this.journals = new java.util.concurrent.atomic.AtomicInteger(journals);
        }

        void written() {
            if (journals.decrementAndGet() == 0) {
                to.tell(message);
            }
        }
    }

    /**
     * To the worker: TBU {@code tbu}'s TLB as recovered, and whether its log
     * named the TLB's configuration (a log that did not is new).
     */
    record Recovered(int tbu, IotlbSnapshot shard, boolean configured) implements TranslationWorker.Command {}

    /** To the worker: TBU {@code tbu}'s last write is durable. */
    record Written(int tbu) implements TranslationWorker.Command, org.apache.pekko.actor.DeadLetterSuppression {}

    private final int tbu;
    private final IotlbConfig config;
    private final int snapshotEvery;
    private final ActorRef<TranslationWorker.Command> worker;
    private final Written written;
    private final org.iommusim.actors.causal.CausalAdapter<IotlbEvent> stamps;

    private IotlbJournal(String persistenceId, int tbu, IotlbConfig config, int snapshotEvery,
            ActorRef<TranslationWorker.Command> worker, org.apache.pekko.actor.typed.ActorSystem<?> system) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.tbu = tbu;
        this.config = config;
        this.snapshotEvery = snapshotEvery;
        this.worker = worker;
        this.written = new Written(tbu);
        this.stamps = org.iommusim.actors.causal.CausalAdapter.of(system);
    }

    static Behavior<Command> create(String persistenceId, int tbu, IotlbConfig config, int snapshotEvery,
            ActorRef<TranslationWorker.Command> worker) {
        return Behaviors.setup(ctx -> new IotlbJournal(persistenceId, tbu, config, snapshotEvery, worker,
                ctx.getSystem()));
    }

    @Override
    public ShardState emptyState() {
        return new ShardState(IotlbShard.empty(config), false);
    }

    /** Every event with the causal stamp its worker took when it decided it. */
    @Override
    public org.apache.pekko.persistence.typed.EventAdapter<IotlbEvent, ?> eventAdapter() {
        return stamps;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return snapshotEvery > 0 ? RetentionCriteria.snapshotEvery(snapshotEvery, 2) : RetentionCriteria.disabled();
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
                return new ShardState(IotlbShard.restore((IotlbSnapshot) from), true);
            }
        };
    }

    @Override
    public CommandHandler<Command, IotlbEvent, ShardState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Write.class, (s, w) -> (w.events().isEmpty() ? Effect().none() : persist(w))
                        .thenRun(st -> {
                            for (Ack a : w.acks()) {
                                a.written();
                            }
                            worker.tell(written);
                        }))
                .build();
    }

    private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<IotlbEvent, ShardState> persist(Write w) {
        stamps.decidedAt(w.stamps().size() == w.events().size() ? w.stamps() : List.of());
        return Effect().persist(w.events());
    }

    @Override
    public EventHandler<ShardState, IotlbEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(ShardState::apply);
    }

    @Override
    public SignalHandler<ShardState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), s -> worker.tell(new Recovered(tbu, s.shard.snapshot(), s.configured)))
                .build();
    }
}
