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
 * The journal of one IOTLB shard ({@code smmu-<n>/iotlb-<k>}): an
 * event-sourced replica of the shard its {@link TranslationWorker} serves
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

    /** An invalidation acknowledgement to send once its events are durable. */
    record Ack(ActorRef<SmmuEntity.Command> to, SmmuEntity.InvalidationsApplied message) {}

    /** To the worker: the shard as recovered. */
    record Recovered(IotlbSnapshot shard) implements TranslationWorker.Command {}

    /** To the worker: the last write is durable. */
    record Written() implements TranslationWorker.Command, org.apache.pekko.actor.DeadLetterSuppression {}

    private static final Written WRITTEN = new Written();

    private final IotlbConfig config;
    private final int snapshotEvery;
    private final ActorRef<TranslationWorker.Command> worker;
    private final org.iommusim.actors.causal.CausalAdapter<IotlbEvent> stamps;

    private IotlbJournal(String persistenceId, IotlbConfig config, int snapshotEvery,
            ActorRef<TranslationWorker.Command> worker, org.apache.pekko.actor.typed.ActorSystem<?> system) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.config = config;
        this.snapshotEvery = snapshotEvery;
        this.worker = worker;
        this.stamps = org.iommusim.actors.causal.CausalAdapter.of(system);
    }

    static Behavior<Command> create(String persistenceId, IotlbConfig config, int snapshotEvery,
            ActorRef<TranslationWorker.Command> worker) {
        return Behaviors.setup(ctx -> new IotlbJournal(persistenceId, config, snapshotEvery, worker, ctx.getSystem()));
    }

    @Override
    public ShardState emptyState() {
        return new ShardState(IotlbShard.empty(config));
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
                return new ShardState(IotlbShard.restore((IotlbSnapshot) from));
            }
        };
    }

    @Override
    public CommandHandler<Command, IotlbEvent, ShardState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Write.class, (s, w) -> (w.events().isEmpty() ? Effect().none() : persist(w))
                        .thenRun(st -> {
                            for (Ack a : w.acks()) {
                                a.to().tell(a.message());
                            }
                            worker.tell(WRITTEN);
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
                .onSignal(RecoveryCompleted.instance(), s -> worker.tell(new Recovered(s.shard.snapshot())))
                .build();
    }
}
