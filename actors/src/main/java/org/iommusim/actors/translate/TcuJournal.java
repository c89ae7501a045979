package org.iommusim.actors.translate;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.iommusim.actors.Unpublished;
import org.iommusim.persistence.serialization.CausalStamp;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.TcuEvent;
import org.iommusim.persistence.tcu.TcuSnapshot;
import org.iommusim.protocol.capability.TcuCaches;

/**
 * The journal of an SMMU's TCU caches ({@code smmu-<n>/tcu}): an
 * event-sourced replica of the walk caches and IPA cache the workers share,
 * as {@link IotlbJournal} is for a TBU's TLB. The {@link TcuKeeper} sends the
 * TCU's log in the order the TCU applied it, one write at a time; this actor
 * persists each batch, applies it to its replica ({@link Tcu#apply}, the rule
 * replay uses), then sends the acknowledgements the batch carries. Its state
 * is exactly the journal's, so its snapshots are exact; after a restart it
 * hands the recovered caches to the keeper.
 */
final class TcuJournal extends Unpublished<TcuJournal.Command, TcuEvent, TcuJournal.State> {

    sealed interface Command {}

    /** Persist {@code events} (stamped when the TCU applied them), then run {@code after}. */
    record Write(List<TcuEvent> events, List<CausalStamp> stamps, Runnable after) implements Command {}

    /** To the keeper: the caches as recovered, and whether the log named their shapes (a log that did not is new). */
    record Recovered(TcuSnapshot tcu, boolean configured) {}

    /** The replica, and whether its log has named its shapes yet. */
    static final class State {
        Tcu tcu;
        boolean configured;

        State(Tcu tcu, boolean configured) {
            this.tcu = tcu;
            this.configured = configured;
        }

        State apply(TcuEvent e) {
            if (e instanceof TcuEvent.Configured c) {
                tcu = new Tcu(c.shape()); // other shapes: a new TCU, empty
                configured = true;
            } else {
                tcu.apply(e);
            }
            return this;
        }
    }

    private final TcuCaches shape;
    private final int snapshotEvery;
    private final ActorRef<Object> keeper;
    private final org.iommusim.actors.causal.CausalAdapter<TcuEvent> stamps;

    private TcuJournal(String persistenceId, TcuCaches shape, int snapshotEvery, ActorRef<Object> keeper,
            org.apache.pekko.actor.typed.ActorSystem<?> system) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.shape = shape;
        this.snapshotEvery = snapshotEvery;
        this.keeper = keeper;
        this.stamps = org.iommusim.actors.causal.CausalAdapter.of(system);
    }

    static Behavior<Command> create(String persistenceId, TcuCaches shape, int snapshotEvery, ActorRef<Object> keeper) {
        return Behaviors.setup(ctx -> new TcuJournal(persistenceId, shape, snapshotEvery, keeper, ctx.getSystem()));
    }

    @Override
    public State emptyState() {
        return new State(new Tcu(shape), false);
    }

    @Override
    public org.apache.pekko.persistence.typed.EventAdapter<TcuEvent, ?> eventAdapter() {
        return stamps;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return snapshotEvery > 0 ? RetentionCriteria.snapshotEvery(snapshotEvery, 2) : RetentionCriteria.disabled();
    }

    @Override
    public SnapshotAdapter<State> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(State state) {
                return state.tcu.snapshot();
            }

            @Override
            public State fromJournal(Object from) {
                return new State(Tcu.restore((TcuSnapshot) from), true);
            }
        };
    }

    @Override
    public CommandHandler<Command, TcuEvent, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Write.class, (s, w) -> {
                    if (w.events().isEmpty()) {
                        return Effect().none().thenRun(st -> w.after().run());
                    }
                    stamps.decidedAt(w.stamps().size() == w.events().size() ? w.stamps() : List.of());
                    return Effect().persist(w.events()).thenRun(st -> w.after().run());
                })
                .build();
    }

    @Override
    public EventHandler<State, TcuEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), s -> keeper.tell(new Recovered(s.tcu.snapshot(), s.configured)))
                .build();
    }
}
