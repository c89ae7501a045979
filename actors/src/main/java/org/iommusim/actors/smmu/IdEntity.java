package org.iommusim.actors.smmu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.iommusim.persistence.ids.IdDecision;
import org.iommusim.persistence.ids.IdError;
import org.iommusim.persistence.ids.IdEvent;
import org.iommusim.persistence.ids.IdFlush;
import org.iommusim.persistence.ids.IdKind;
import org.iommusim.persistence.ids.IdState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.RawCommand;

/**
 * One SMMU's VMID and ASID allocator ({@code smmu-<n>/ids}), hosting the pure
 * {@link IdState}. A release is journaled first, then the id's flush (a TLBI
 * per id and a CMD_SYNC, {@link IdFlush}) goes through the SMMU's own command
 * queue; only when the sync has completed is the id journaled as flushed and
 * the release answered. A flush that fails (the queue halted or full) leaves
 * the id awaiting one: never handed out, flushed again when it is released
 * again, when an allocation finds nothing else free, or after a restart.
 *
 * <p>The actor never waits: a flush in progress is a chain of messages, so
 * allocations and other releases are served meanwhile.
 */
public final class IdEntity extends Unpublished<IdEntity.Command, IdEvent, IdState> {

    /** Messages the allocator accepts. */
    public sealed interface Command {}

    /** Hand out the lowest free id of {@code kind}: {@link Granted} or {@link Refused}. */
    public record Allocate(IdKind kind, ActorRef<Reply> replyTo) implements Command {}

    /** Release {@code id} and flush it: {@link Flushed} once it is free again, or {@link Refused}. */
    public record Release(IdKind kind, int id, ActorRef<Reply> replyTo) implements Command {}

    /** Ask for the pure state. */
    public record GetIds(ActorRef<IdState> replyTo) implements Command {}

    /** Answer with the state once the flushes recovery started (of ids released before a restart) have ended. */
    public record AwaitRecovered(ActorRef<IdState> replyTo) implements Command {}

    private record Retry(Allocate request, String flushFailure) implements Command {}

    private record StepSubmitted(Flush flush, int step, long prod) implements Command {}

    private record StepDone(Flush flush, int step, String failure) implements Command {}

    /** The answer to an allocation or release. */
    public sealed interface Reply {}

    /** The id is the caller's (journaled). */
    public record Granted(IdKind kind, int id) implements Reply {}

    /** The id is released and its flush has completed: it may be handed out again. */
    public record Flushed(IdKind kind, int id) implements Reply {}

    /** Refused: {@code kind} is an {@link IdError.Kind} name or {@code FLUSH_FAILED} (the id then awaits its flush). */
    public record Refused(String kind, String reason) implements Reply {}

    /** One flush in progress: its submissions, who waits for it, and allocations to retry after it. */
    private record Flush(IdKind kind, List<Integer> ids, List<List<RawCommand>> submissions,
            List<ActorRef<Reply>> releasers, List<Allocate> retries, boolean recovery) {}

    private final ActorContext<Command> ctx;
    private final SmmuCapabilities caps;
    private final ActorRef<SmmuNode.Command> smmu;
    private final Duration timeout;
    private int recoveryFlushes;
    private final List<ActorRef<IdState>> recoveryWaiters = new ArrayList<>();

    private IdEntity(ActorContext<Command> ctx, String smmuId, SmmuCapabilities caps, ActorRef<SmmuNode.Command> smmu,
            Duration timeout) {
        super(PersistenceId.ofUniqueId(persistenceId(smmuId)));
        this.ctx = ctx;
        this.caps = caps;
        this.smmu = smmu;
        this.timeout = timeout;
    }

    /** {@code smmu-<n>/ids}. */
    public static String persistenceId(String smmuId) {
        return smmuId + "/ids";
    }

    /**
     * @param smmu    the SMMU's node, whose command queue carries the flushes
     * @param timeout how long one flush submission or sync may take before it counts as failed
     */
    public static Behavior<Command> create(String smmuId, SmmuCapabilities caps, ActorRef<SmmuNode.Command> smmu,
            Duration timeout) {
        return Behaviors.setup(ctx -> new IdEntity(ctx, smmuId, caps, smmu, timeout));
    }

    @Override
    public IdState emptyState() {
        return IdState.EMPTY;
    }

    /** Every event with its causal stamp, taken as it is decided. */
    @Override
    public org.apache.pekko.persistence.typed.EventAdapter<IdEvent, ?> eventAdapter() {
        return org.iommusim.actors.causal.CausalAdapter.of(ctx.getSystem());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(1000, 2);
    }

    @Override
    public CommandHandler<Command, IdEvent, IdState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Allocate.class, (s, c) -> allocate(s, c, null, false))
                .onCommand(Retry.class, (s, c) -> allocate(s, c.request(), c.flushFailure(), true))
                .onCommand(Release.class, this::release)
                .onCommand(StepSubmitted.class, (s, c) -> {
                    awaitConsumed(c.flush(), c.step(), c.prod() - 1);
                    return Effect().none();
                })
                .onCommand(StepDone.class, this::stepDone)
                .onCommand(GetIds.class, (s, c) -> Effect().reply(c.replyTo(), s))
                .onCommand(AwaitRecovered.class, (s, c) -> {
                    if (recoveryFlushes == 0) {
                        return Effect().reply(c.replyTo(), s);
                    }
                    recoveryWaiters.add(c.replyTo());
                    return Effect().none();
                })
                .build();
    }

    private Effect<IdEvent, IdState> allocate(IdState s, Allocate c, String flushFailure, boolean retried) {
        IdDecision d = s.decideAllocate(c.kind(), caps);
        if (d instanceof IdDecision.Accept a) {
            IdEvent e = a.events().get(0);
            return Effect().persist(e).thenReply(c.replyTo(), st -> new Granted(e.kind(), e.id()));
        }
        IdError error = ((IdDecision.Reject) d).error();
        List<Integer> waiting = s.pool(c.kind()).awaitingFlushIds();
        if (error.kind() == IdError.Kind.ID_EXHAUSTED && !retried && !waiting.isEmpty()) {
            // what a failed flush left behind is the only way out: flush it now, then decide again
            start(flush(c.kind(), waiting, List.of(), List.of(c)));
            return Effect().none();
        }
        String reason = flushFailure == null ? error.message()
                : error.message() + "; flushing the ids awaiting it failed: " + flushFailure;
        return Effect().reply(c.replyTo(), new Refused(error.kind().name(), reason));
    }

    private Effect<IdEvent, IdState> release(IdState s, Release c) {
        IdDecision d = s.decideRelease(c.kind(), c.id());
        if (d instanceof IdDecision.Reject r) {
            return Effect().reply(c.replyTo(), new Refused(r.error().kind().name(), r.error().message()));
        }
        Flush f = flush(c.kind(), List.of(c.id()), List.of(c.replyTo()), List.of());
        return Effect().persist(((IdDecision.Accept) d).events()).thenRun(st -> start(f));
    }

    private Flush flush(IdKind kind, List<Integer> ids, List<ActorRef<Reply>> releasers, List<Allocate> retries) {
        return flush(kind, ids, releasers, retries, false);
    }

    private Flush flush(IdKind kind, List<Integer> ids, List<ActorRef<Reply>> releasers, List<Allocate> retries,
            boolean recovery) {
        List<List<RawCommand>> submissions = new ArrayList<>();
        for (List<org.iommusim.protocol.command.Command> batch
                : IdFlush.submissions(kind, ids, caps.commandQueueCapacity())) {
            submissions.add(batch.stream().map(org.iommusim.protocol.command.Command::encode).toList());
        }
        return new Flush(kind, List.copyOf(ids), submissions, releasers, retries, recovery);
    }

    private void start(Flush f) {
        submit(f, 0);
    }

    /** Submits step {@code step} and waits until the queue has consumed it (for the last: the sync completed). */
    private void submit(Flush f, int step) {
        org.iommusim.actors.LocalAsk.<Command, SmmuNode.Command, SmmuEntity.SubmitReply>ask(ctx, smmu, timeout,
                r -> new SmmuNode.ToSmmu(new SmmuEntity.Submit(f.submissions().get(step), r)), (reply, failure) -> {
                    if (failure != null) {
                        return new StepDone(f, step, "no answer from the SMMU: " + failure.getMessage());
                    }
                    if (reply instanceof SmmuEntity.Rejected rejected) {
                        return new StepDone(f, step, "the command queue refused the flush: " + rejected.reason());
                    }
                    return new StepSubmitted(f, step, ((SmmuEntity.Accepted) reply).prod());
                });
    }

    private void awaitConsumed(Flush f, int step, long index) {
        org.iommusim.actors.LocalAsk.<Command, SmmuNode.Command, SmmuEntity.ConsumeReply>ask(ctx, smmu, timeout,
                r -> new SmmuNode.ToSmmu(new SmmuEntity.AwaitConsumed(index, r)), (reply, failure) -> {
                    if (failure != null) {
                        return new StepDone(f, step, "the flush's CMD_SYNC did not complete: " + failure.getMessage());
                    }
                    if (reply instanceof SmmuEntity.QueueHalted h) {
                        return new StepDone(f, step, "the command queue halted at entry " + h.error().index() + " ("
                                + h.error().code() + ": " + h.error().reason() + ")");
                    }
                    return new StepDone(f, step, null);
                });
    }

    private Effect<IdEvent, IdState> stepDone(IdState s, StepDone d) {
        Flush f = d.flush();
        if (d.failure() != null) {
            for (ActorRef<Reply> r : f.releasers()) {
                r.tell(new Refused("FLUSH_FAILED", f.kind() + " " + f.ids() + " released but not flushed, so not yet"
                        + " reusable (released again, it is flushed again): " + d.failure()));
            }
            f.retries().forEach(a -> ctx.getSelf().tell(new Retry(a, d.failure())));
            ended(f, s);
            return Effect().none();
        }
        if (d.step() + 1 < f.submissions().size()) {
            submit(f, d.step() + 1);
            return Effect().none();
        }
        List<IdEvent> flushed = ((IdDecision.Accept) s.decideFlushed(f.kind(), f.ids())).events();
        Runnable answer = () -> {
            for (ActorRef<Reply> r : f.releasers()) {
                r.tell(new Flushed(f.kind(), f.ids().get(0)));
            }
            f.retries().forEach(a -> ctx.getSelf().tell(new Retry(a, null)));
        };
        if (flushed.isEmpty()) {
            answer.run();
            ended(f, s);
            return Effect().none();
        }
        return Effect().persist(flushed).thenRun(st -> {
            answer.run();
            ended(f, st);
        });
    }

    private void ended(Flush f, IdState s) {
        if (f.recovery() && --recoveryFlushes == 0) {
            recoveryWaiters.forEach(w -> w.tell(s));
            recoveryWaiters.clear();
        }
    }

    @Override
    public EventHandler<IdState, IdEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(IdState::apply);
    }

    @Override
    public SignalHandler<IdState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            // released before a crash or a failed flush: flushed before anything may hand them out again
            for (IdKind kind : IdKind.values()) {
                List<Integer> waiting = s.pool(kind).awaitingFlushIds();
                if (!waiting.isEmpty() && kind.unsupported(caps).isEmpty()) {
                    recoveryFlushes++;
                    start(flush(kind, waiting, List.of(), List.of(), true));
                }
            }
        }).build();
    }
}
