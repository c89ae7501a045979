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
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
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
final class IotlbJournal extends EventSourcedBehavior<IotlbJournal.Command, IotlbEvent, ShardState> {

    sealed interface Command {}

    /** Persist {@code events}, then send {@code acks}, then tell the worker. */
    record Write(List<IotlbEvent> events, List<Ack> acks) implements Command {}

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

    private IotlbJournal(String persistenceId, int tbu, IotlbConfig config, int snapshotEvery,
            ActorRef<TranslationWorker.Command> worker) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.tbu = tbu;
        this.config = config;
        this.snapshotEvery = snapshotEvery;
        this.worker = worker;
        this.written = new Written(tbu);
    }

    static Behavior<Command> create(String persistenceId, int tbu, IotlbConfig config, int snapshotEvery,
            ActorRef<TranslationWorker.Command> worker) {
        return Behaviors.setup(ctx -> new IotlbJournal(persistenceId, tbu, config, snapshotEvery, worker));
    }

    @Override
    public ShardState emptyState() {
        return new ShardState(IotlbShard.empty(config), false);
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
                .onCommand(Write.class, (s, w) -> (w.events().isEmpty() ? Effect().none() : Effect().persist(w.events()))
                        .thenRun(st -> {
                            for (Ack a : w.acks()) {
                                a.written();
                            }
                            worker.tell(written);
                        }))
                .build();
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
