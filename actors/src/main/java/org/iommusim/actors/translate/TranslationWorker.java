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

/**
 * One worker of an SMMU's translation pool, serving from one IOTLB shard
 * ({@code smmu-<n>/iotlb-<k>}) that its child {@link IotlbJournal} keeps
 * durable. A hit persists nothing. A miss walks the published tables, fills
 * the live shard at once and queues the fill for the journal (written
 * behind, in batches: an IOTLB may always forget an entry, so a lost fill is
 * harmless). An invalidation is applied to the live shard at once, so no
 * translation after it can use what it removed, and is acknowledged to the
 * SMMU only once the journal has persisted it with every fill before it, so
 * a rebuilt shard never holds an entry that was invalidated.
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
    public record Translate(TranslationRequest request, Consumer<? super Outcome> onDone) implements Command {}

    /** This worker's part of a burst: the requests answered in slots {@code [from, to)}; posted to its inbox. */
    record TranslatePart(BurstCompletion done, int from, int to) {}

    /** Parts wait in the worker's {@link PartInbox}. */
    record Ring() implements Command, org.apache.pekko.actor.DeadLetterSuppression {}

    static final Ring RING = new Ring();

    /** Parts taken per {@link Ring} at most ({@link PartInbox#serve}). */
    private static final int PARTS_PER_TURN = 64;

    /** A result with how it was found and the walk's descriptor reads. */
    public record Traced(TranslationResult result, Outcome.Path path, int walkSteps) {
        public static Traced of(Outcome o) {
            return new Traced(o.result(), o.path(), o.walkSteps());
        }
    }

    /** Ask for the shard's entries, counters and per-stream statistics. */
    public record GetShard(ActorRef<ShardReport> replyTo) implements Command {}

    /** The shard's entries and counters, and per-stream counters (keyed by StreamID). */
    public record ShardReport(IotlbSnapshot snapshot, IotlbStats stats, Map<Integer, StreamStats> streams) {}

    private record FlushFills() implements Command, org.apache.pekko.actor.DeadLetterSuppression {}

    /**
     * Write everything pending (fills held back for a batch included), then
     * run {@code onWritten} on the worker's thread: what a clean stop does
     * first, so that it loses no fill.
     */
    public record Flush(Runnable onWritten) implements Command {}

    private static final FlushFills FLUSH = new FlushFills();

    /**
     * The model is closing: from now on answer every translation as
     * terminated with {@code reason} (send after a {@link Flush} has completed:
     * nothing more is written).
     */
    public record Close(String reason) implements Command {}

    /** Pool settings: how many fills are written per batch at most, and how long one may wait. */
    public record Settings(int fillBatch, Duration fillDelay, int snapshotEvery) {
        public static Settings defaults() {
            return new Settings(256, Duration.ofMillis(5), 10_000);
        }
    }

    /** Messages held while the journal recovers: well above the pool's in-flight limit, so it never overflows. */
    private static final int RECOVERY_STASH = 4 * TranslationPool.IN_FLIGHT_LIMIT;

    public static String persistenceId(String smmuId, int index) {
        return smmuId + "/iotlb-" + index;
    }

    /**
     * @param faultSink where fault records go (the SMMU's event queue, through its channel)
     */
    public static Behavior<Command> create(String smmuId, int index, IotlbConfig config, SmmuCapabilities caps,
            SmmuViews smmu, PageTableViews domains, org.iommusim.actors.smmu.FaultChannel faultSink, Settings settings,
            PartInbox inbox) {
        String id = persistenceId(smmuId, index);
        return Behaviors.withStash(RECOVERY_STASH, stash -> Behaviors.setup(ctx -> {
            ActorRef<IotlbJournal.Command> journal = ctx.spawn(
                    IotlbJournal.create(id, config, settings.snapshotEvery(), ctx.getSelf()), "journal");
            ctx.watch(journal);
            return Behaviors.receive(Command.class)
                    .onMessage(IotlbJournal.Recovered.class, r -> {
                        Live live = new Live(ctx, id, IotlbShard.restore(r.shard()), journal,
                                new ShardTranslator(caps, domains, new org.iommusim.actors.causal.StampingList<>(
                                        org.iommusim.actors.causal.CausalClock.get(ctx.getSystem()))), smmu, faultSink,
                                settings, inbox);
                        return stash.unstashAll(live.running());
                    })
                    // what waited for the recovery is answered too: out of service, with the reason
                    .onSignal(Terminated.class, t -> stash.unstashAll(failed(ctx, id, "its journal did not recover",
                            IotlbShard.empty(config), new ShardTranslator(caps, domains, new ArrayList<>()), inbox)))
                    .onAnyMessage(m -> {
                        stash.stash(m);
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    /** The running worker's state: the live shard, its translator, and the write-behind queue. */
    private static final class Live {
        private final ActorContext<Command> ctx;
        private final String id;
        private final IotlbShard shard;
        private final ActorRef<IotlbJournal.Command> journal;
        private final ShardTranslator translator;
        private final SmmuViews smmu;
        private final org.iommusim.actors.smmu.FaultChannel faultSink;
        private final Settings settings;
        private final List<IotlbEvent> pending;
        private final List<IotlbJournal.Ack> acks = new ArrayList<>();
        private final List<Runnable> flushWaiters = new ArrayList<>();
        private final List<SmmuEvent> faults = new ArrayList<>();
        private final ActorRef<InvalidationPort.Invalidate> self;
        private final PartInbox inbox;
        private boolean writing;
        private boolean flushScheduled;

        Live(ActorContext<Command> ctx, String id, IotlbShard shard, ActorRef<IotlbJournal.Command> journal,
                ShardTranslator translator, SmmuViews smmu, org.iommusim.actors.smmu.FaultChannel faultSink,
                Settings settings, PartInbox inbox) {
            this.ctx = ctx;
            this.id = id;
            this.shard = shard;
            this.journal = journal;
            this.translator = translator;
            this.smmu = smmu;
            this.faultSink = faultSink;
            this.settings = settings;
            this.pending = translator.fills();
            this.self = ctx.getSelf().narrow();
            this.inbox = inbox;
        }

        Behavior<Command> running() {
            return Behaviors.receive(Command.class)
                    .onMessage(Ring.class, r -> {
                        inbox.serve(PARTS_PER_TURN, this::onPart);
                        return Behaviors.same();
                    })
                    .onMessage(Translate.class, this::onTranslate)
                    .onMessage(InvalidationPort.Invalidate.class, this::onInvalidate)
                    .onMessage(IotlbJournal.Written.class, w -> {
                        writing = false;
                        if (!acks.isEmpty() || !flushWaiters.isEmpty()) {
                            write();
                        } else {
                            afterTranslations(); // a full batch goes now, a smaller one after the delay
                        }
                        flushed();
                        return Behaviors.same();
                    })
                    .onMessage(Flush.class, f -> {
                        flushWaiters.add(f.onWritten());
                        write();
                        flushed();
                        return Behaviors.same();
                    })
                    .onMessage(FlushFills.class, f -> {
                        flushScheduled = false;
                        write();
                        return Behaviors.same();
                    })
                    .onMessage(GetShard.class, g -> {
                        g.replyTo().tell(new ShardReport(shard.snapshot(), shard.stats(), translator.streamStats()));
                        return Behaviors.same();
                    })
                    .onMessage(Close.class, c -> broken(ctx, id, c.reason(), shard, translator, inbox))
                    .onSignal(Terminated.class, t -> failed(ctx, id, "its journal failed (see the log)", shard,
                            translator, inbox))
                    .build();
        }

        private void onPart(TranslatePart part) {
            faults.clear();
            TranslationBurst b = part.done().burst();
            try {
                translator.translate(b, part.from(), part.to(), smmu.config(), shard, faults);
            } catch (RuntimeException e) {
                // a fault in the model itself: answer the whole part rather than leave the device waiting
                ctx.getLog().error("translating a burst failed", e);
                terminatePart(part, "model error: " + e);
            }
            if (!faults.isEmpty()) {
                faultSink.offer(faults);
            }
            part.done().partDone();
            afterTranslations();
        }

        private Behavior<Command> onTranslate(Translate c) {
            Outcome o;
            try {
                o = translator.translate(c.request(), smmu.config(), shard);
            } catch (RuntimeException e) {
                ctx.getLog().error("translating a request failed", e);
                o = terminated(c.request(), "model error: " + e);
            }
            if (o.fault() != null) {
                faultSink.offer(o.fault());
            }
            answer(ctx, c.onDone(), o);
            afterTranslations();
            return Behaviors.same();
        }

        private Behavior<Command> onInvalidate(InvalidationPort.Invalidate inv) {
            try {
                for (IssuedInvalidation i : inv.invalidations()) {
                    pending.add(shard.invalidate(i.command()));
                }
            } catch (RuntimeException e) {
                // an invalidation not applied can be neither acknowledged nor skipped: this shard is done
                ctx.getLog().error("applying an invalidation failed", e);
                return failed(ctx, id, "applying an invalidation failed: " + e, shard, translator, inbox);
            }
            acks.add(new IotlbJournal.Ack(inv.ackTo(), new SmmuEntity.InvalidationsApplied(self, inv.lastSeq())));
            write();
            return Behaviors.same();
        }

        private void afterTranslations() {
            if (pending.size() >= settings.fillBatch()) {
                write();
            } else {
                scheduleFlush();
            }
        }

        private void scheduleFlush() {
            if (!pending.isEmpty() && !flushScheduled && !writing) {
                flushScheduled = true;
                ctx.scheduleOnce(settings.fillDelay(), ctx.getSelf(), FLUSH);
            }
        }

        /** Once nothing is pending or being written, tells whoever asked for a flush. */
        private void flushed() {
            if (!writing && !flushWaiters.isEmpty()) {
                List<Runnable> done = List.copyOf(flushWaiters);
                flushWaiters.clear();
                done.forEach(r -> answer(ctx, x -> r.run(), null));
            }
        }

        /** Sends everything pending to the journal, unless a write is in flight (it goes when that completes). */
        private void write() {
            if (writing || (pending.isEmpty() && acks.isEmpty())) {
                return;
            }
            journal.tell(new IotlbJournal.Write(List.copyOf(pending), List.copyOf(acks),
                    org.iommusim.actors.causal.StampingList.stampsOf(pending)));
            pending.clear();
            acks.clear();
            writing = true;
        }

        private static void terminatePart(TranslatePart part, String reason) {
            TranslationBurst b = part.done().burst();
            for (int j = part.from(); j < part.to(); j++) {
                b.answerSlot(j, new org.iommusim.protocol.translate.Terminated(b.slotSid(j), reason));
            }
        }
    }

    /**
     * A worker whose journal is gone: it can no longer keep the IOTLB durable,
     * so it translates nothing (each request is answered as terminated, with
     * the reason) and acknowledges no invalidation. It still reports the
     * shard as it last was.
     */
    private static Behavior<Command> failed(ActorContext<Command> ctx, String id, String why, IotlbShard shard,
            ShardTranslator translator, PartInbox inbox) {
        ctx.getLog().error("IOTLB shard {} is out of service: {}", id, why);
        return broken(ctx, id, why, shard, translator, inbox);
    }

    private static Behavior<Command> broken(ActorContext<Command> ctx, String id, String why, IotlbShard shard,
            ShardTranslator translator, PartInbox inbox) {
        String reason = "IOTLB shard " + id + " is out of service: " + why;
        return Behaviors.receive(Command.class)
                .onMessage(Ring.class, r -> {
                    // bounded as a live turn is: a callback that submits again must not keep this turn going
                    inbox.serve(PARTS_PER_TURN, part -> {
                        Live.terminatePart(part, reason);
                        part.done().partDone();
                    });
                    return Behaviors.same();
                })
                .onMessage(Translate.class, c -> {
                    answer(ctx, c.onDone(), terminated(c.request(), reason));
                    return Behaviors.same();
                })
                .onMessage(GetShard.class, g -> {
                    g.replyTo().tell(new ShardReport(shard.snapshot(), shard.stats(), translator.streamStats()));
                    return Behaviors.same();
                })
                .onMessage(Flush.class, f -> {
                    // nothing can be written any more: do not hold up a stop
                    answer(ctx, x -> f.onWritten().run(), null);
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private static Outcome terminated(TranslationRequest r, String reason) {
        return new Outcome(new org.iommusim.protocol.translate.Terminated(r.sid(), reason), Outcome.Path.CONFIG,
                List.of(), null, 0);
    }

    private static <T> void answer(ActorContext<Command> ctx, Consumer<? super T> onDone, T value) {
        try {
            onDone.accept(value);
        } catch (RuntimeException | AssertionError e) {
            // the caller's code must not take this worker (and its IOTLB shard) down with it
            ctx.getLog().error("a translation callback threw; the request was answered", e);
        }
    }
}
