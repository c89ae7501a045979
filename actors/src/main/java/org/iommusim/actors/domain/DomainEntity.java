package org.iommusim.actors.domain;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.iommusim.actors.Unpublished;
import org.iommusim.persistence.domain.DomainDecision;
import org.iommusim.persistence.domain.DomainError;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.UnmapBatch;

/**
 * One domain ({@code domain-<id>}): hosts the pure {@link DomainState}, writes
 * one event per accepted request, replies only after the write, and
 * publishes the new immutable page-table view before replying, so a caller
 * that has its reply can translate through the change at once.
 */
public final class DomainEntity extends Unpublished<DomainEntity.Command, DomainEvent, DomainState> {

    /** Requests a domain accepts. */
    public sealed interface Command {}

    /** Allocate the domain; {@code parent} is the real parent's spec, looked up by the directory. */

    public record Allocate(DomainSpec spec, SmmuCapabilities caps, Optional<DomainSpec> parent,
            ActorRef<Reply> replyTo) implements Command {}

    /** Map a scatter-gather batch, all or nothing. */

    public record Map(MapBatch batch, ActorRef<Reply> replyTo) implements Command {}

    /** Unmap a scatter-gather batch, all or nothing. */

    public record Unmap(UnmapBatch batch, ActorRef<Reply> replyTo) implements Command {}

    /** Free the domain; its id is not reused. */

    public record Free(ActorRef<Reply> replyTo) implements Command {}

    /** Ask for the pure state (with the page table). */

    public record GetState(ActorRef<DomainState> replyTo) implements Command {}

    /** The answer to a change request. */
    public sealed interface Reply {}

    /** Accepted and durably recorded as event {@code sequenceNr}. */
    public record Done(long sequenceNr) implements Reply {}

    /** Refused; nothing was recorded. */
    public record Refused(DomainError error) implements Reply {}

    /** Settings shared by every domain of a run. */
    public record Settings(int snapshotEvery, int keepSnapshots) {
        public static Settings defaults() {
            return new Settings(10000, 2);
        }

        /** From {@code iommu-sim.domain.snapshot-every} and {@code keep-snapshots}. */
        public static Settings fromConfig(com.typesafe.config.Config config) {
            return new Settings(config.getInt("iommu-sim.domain.snapshot-every"),
                    config.getInt("iommu-sim.domain.keep-snapshots"));
        }
    }

    private final DomainId id;
    private final Settings settings;
    private final PageTableViews views;
    private final ActorContext<Command> ctx;

    private DomainEntity(ActorContext<Command> ctx, DomainId id, Settings settings, PageTableViews views) {
        super(PersistenceId.ofUniqueId(id.persistenceId()));
        this.ctx = ctx;
        this.id = id;
        this.settings = settings;
        this.views = views;
    }

    public static Behavior<Command> create(DomainId id, Settings settings, PageTableViews views) {
        return Behaviors.setup((ActorContext<Command> ctx) -> new DomainEntity(ctx, id, settings, views));
    }

    @Override
    public DomainState emptyState() {
        return DomainState.initial();
    }

    /** Every event with its causal stamp, taken as it is decided. */
    @Override
    public org.apache.pekko.persistence.typed.EventAdapter<DomainEvent, ?> eventAdapter() {
        return org.iommusim.actors.causal.CausalAdapter.of(ctx.getSystem());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return settings.snapshotEvery() > 0
                ? RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots())
                : RetentionCriteria.disabled();
    }

    @Override
    public CommandHandler<Command, DomainEvent, DomainState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Allocate.class, (s, c) -> decided(s.decideAllocate(id, c.spec(), c.caps(), c.parent()), c.replyTo()))
                .onCommand(Map.class, (s, c) -> decided(s.decideMap(id, c.batch()), c.replyTo()))
                .onCommand(Unmap.class, (s, c) -> decided(s.decideUnmap(id, c.batch()), c.replyTo()))
                .onCommand(Free.class, (s, c) -> decided(s.decideFree(id), c.replyTo()))
                .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), s))
                .build();
    }

    private Effect<DomainEvent, DomainState> decided(DomainDecision decision, ActorRef<Reply> replyTo) {
        if (decision instanceof DomainDecision.Accept a) {
            return Effect().persist(a.event()).thenRun(this::publish)
                    .thenReply(replyTo, s -> new Done(lastSequenceNr()));
        }
        return Effect().reply(replyTo, new Refused(((DomainDecision.Reject) decision).error()));
    }

    private long lastSequenceNr() {
        return lastSequenceNumber(ctx);
    }

    private void publish(DomainState state) {
        state.table().ifPresentOrElse(t -> views.publish(id, t), () -> views.withdraw(id));
    }

    @Override
    public EventHandler<DomainState, DomainEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(DomainState::apply);
    }

    @Override
    public SignalHandler<DomainState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::publish)
                .build();
    }
}
