package org.iommusim.actors.translate;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.iommusim.actors.Unpublished;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbSnapshot;

/**
 * A TLB no worker serves in this run, emptied before the SMMU serves: the TLB
 * of a TBU beyond this run's TBU count ({@code smmu-<n>/tbu-<k>}), or an IOTLB
 * shard of a journal written before TBUs ({@code smmu-<n>/iotlb-<k>}, which
 * nothing serves any more). Unserved, it sees no invalidation, and a later
 * start that served it again would recover its entries as they were,
 * invalidated or not. So every start flushes them: recovered, and if it holds
 * entries (its last word is not a flush), a {@link IotlbEvent.Flushed} is
 * persisted; then it answers and stops. A TLB is therefore always empty when
 * a worker takes it up again, and an old shard's entries never come back.
 *
 * <p>Only whether the TLB is empty is kept, not its entries: nothing is
 * looked up.
 */
public final class RetiredShard extends Unpublished<RetiredShard.Retire, IotlbEvent, Boolean> {

    /** Empty the shard, then answer and stop. */
    public record Retire(ActorRef<Done> replyTo) {}

    private final org.apache.pekko.actor.typed.ActorSystem<?> system;

    private RetiredShard(String persistenceId, org.apache.pekko.actor.typed.ActorSystem<?> system) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.system = system;
    }

    /** The shard {@code persistenceId}, whose events are {@link IotlbEvent}s. */
    public static Behavior<Retire> create(String persistenceId) {
        return org.apache.pekko.actor.typed.javadsl.Behaviors.setup(ctx -> new RetiredShard(persistenceId,
                ctx.getSystem()));
    }

    /** Every event with its causal stamp, taken as it is decided. */
    @Override
    public org.apache.pekko.persistence.typed.EventAdapter<IotlbEvent, ?> eventAdapter() {
        return org.iommusim.actors.causal.CausalAdapter.of(system);
    }

    /** Whether the shard is known empty: true for one never written. */
    @Override
    public Boolean emptyState() {
        return Boolean.TRUE;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.disabled();
    }

    @Override
    public SnapshotAdapter<Boolean> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(Boolean state) {
                throw new IllegalStateException("a retired shard takes no snapshot");
            }

            @Override
            public Boolean fromJournal(Object from) {
                return ((IotlbSnapshot) from).entries().isEmpty();
            }
        };
    }

    @Override
    public CommandHandler<Retire, IotlbEvent, Boolean> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Retire.class, (empty, r) -> (empty ? Effect().none() : Effect().persist(new IotlbEvent.Flushed()))
                        .thenRun(s -> r.replyTo().tell(Done.getInstance()))
                        .thenStop())
                .build();
    }

    @Override
    public EventHandler<Boolean, IotlbEvent> eventHandler() {
        // both empty the TLB; a fill or an invalidation (which may leave entries) does not
        return newEventHandlerBuilder().forAnyState()
                .onAnyEvent(e -> e instanceof IotlbEvent.Flushed || e instanceof IotlbEvent.Configured);
    }
}
