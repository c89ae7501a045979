package org.iommusim.actors.translate;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.causal.CausalClock;
import org.iommusim.actors.causal.StampingList;
import org.iommusim.actors.smmu.InvalidationPort;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.TcuEvent;

/**
 * Keeps an SMMU's TCU caches (the walk caches and the IPA cache its workers
 * share) durable, and is the TCU's side of the SMMU's invalidation port.
 *
 * <ul>
 *   <li>Fills: the TCU logs each one as the walk applies it; this keeper
 *       writes them behind (within the fill delay), as a TBU's worker writes
 *       its TLB fills: a cache may always forget an entry.</li>
 *   <li>Invalidations: every consumed TLBI is applied to the TCU by
 *       {@link org.iommusim.persistence.tcu.TcuInvalidation} (the TCU logs it
 *       after every fill before it) and acknowledged to the SMMU once applied, its
 *       record written behind with the fills, once this run's
 *       {@link TcuEvent.AcksAhead} marker is durable (until then, and from a
 *       clean close's flush on, only once the journal has persisted it): a
 *       CMD_SYNC completes only when the TCU's caches no longer hold what the
 *       TLBIs before it removed, and a restart that finds the marker still set
 *       (no clean close) empties the caches before anything is translated. In
 *       deterministic mode the SMMU entity may run the keeper's invalidation
 *       handler in its own turn ({@link InvalidationPort.Direct}). With a
 *       bounded configuration cache the port also carries every CFGI, applied
 *       to it by {@link org.iommusim.persistence.tcu.ConfigInvalidation} the
 *       same way.</li>
 *   <li>Restart: its {@link TcuJournal} ({@code smmu-<n>/tcu}) rebuilds the
 *       caches from their own log (snapshot and events) and the keeper loads
 *       them into the shared TCU before anything is translated (the SMMU node
 *       waits for {@link Ready}). A log naming other shapes (the capabilities
 *       changed) gets a new {@link TcuEvent.Configured}: the caches start
 *       empty.</li>
 * </ul>
 * If the journal fails, the keeper acknowledges no further invalidation
 * (a CMD_SYNC then cannot complete, and says so by timing out), as a worker
 * whose journal failed does.
 */
public final class TcuKeeper {
    private TcuKeeper() {}

    /** The persistence id of {@code smmuId}'s TCU caches. */
    public static String persistenceId(String smmuId) {
        return smmuId + "/tcu";
    }

    /**
     * Write everything logged so far, then run {@code onWritten}. {@code closing}: a clean close's flush, once
     * nothing sends invalidations any more; from then on none is acknowledged before its record is durable, and
     * the caches' {@link TcuEvent.AcksAhead} marker is written cleared, last.
     */
    public record Flush(Runnable onWritten, boolean closing) {
        /** A flush that does not close. */
        public Flush(Runnable onWritten) {
            this(onWritten, false);
        }
    }

    /** To whoever waits: the caches are recovered and loaded into the TCU. */
    public record Ready() {}

    private record Logged() implements org.apache.pekko.actor.DeadLetterSuppression {}

    private record FlushFills() implements org.apache.pekko.actor.DeadLetterSuppression {}

    private record Written() implements org.apache.pekko.actor.DeadLetterSuppression {}

    /** Events per journal write at most. */
    static final int CHUNK = 4096;

    private static final Logged LOGGED = new Logged();
    private static final FlushFills FLUSH_FILLS = new FlushFills();
    private static final Written WRITTEN = new Written();

    /** Messages held while the journal recovers: invalidations and flushes only (bounded by the SMMU's turns). */
    private static final int RECOVERY_STASH = 10_000;

    /**
     * @param ready told {@link Ready} once the caches are loaded (null: nobody waits)
     */
    public static Behavior<Object> create(String smmuId, Tcu tcu, TranslationWorker.Settings settings,
            ActorRef<Ready> ready) {
        return create(smmuId, tcu, settings, null, ready);
    }

    /** As above; in deterministic mode, registers its invalidation handler in {@code direct} while it serves. */
    public static Behavior<Object> create(String smmuId, Tcu tcu, TranslationWorker.Settings settings,
            InvalidationPort.Directory direct, ActorRef<Ready> ready) {
        return Behaviors.withStash(RECOVERY_STASH, stash -> Behaviors.setup(ctx -> {
            ActorRef<TcuJournal.Command> journal = ctx.spawn(TcuJournal.create(persistenceId(smmuId), tcu.shape(),
                    settings.snapshotEvery(), ctx.getSelf()), "journal");
            ctx.watch(journal);
            return Behaviors.receive(Object.class)
                    .onMessage(TcuJournal.Recovered.class, r -> {
                        Live live = new Live(ctx, tcu, journal, settings);
                        ActorRef<Object> self = ctx.getSelf(); // the SMMU's direct delivery logs outside this actor's turns
                        tcu.recordInto(live.log, () -> self.tell(LOGGED));
                        if (r.configured() && r.tcu().shape().equals(tcu.shape())) {
                            tcu.load(r.tcu());
                        } else {
                            tcu.configure(); // logged first: replay needs no capabilities
                            live.write();
                        }
                        // before anything is translated: caches whose last run did not close cleanly are emptied
                        // here; its record in a write of its own after the configuration's (as a TBU worker's marker)
                        tcu.markAcksAhead(true);
                        live.marker.logged();
                        live.write();
                        if (ready != null) {
                            ready.tell(new Ready());
                        }
                        live.direct = direct;
                        if (direct != null) {
                            direct.register(ctx.getSelf(), live::invalidateDirect);
                        }
                        return stash.unstashAll(live.running());
                    })
                    .onSignal(Terminated.class, t -> {
                        ctx.getLog().error("the TCU caches of {} did not recover: no invalidation is acknowledged", smmuId);
                        if (ready != null) {
                            ready.tell(new Ready());
                        }
                        return stash.unstashAll(broken());
                    })
                    .onAnyMessage(m -> {
                        stash.stash(m);
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private static final class Live {
        final ActorContext<Object> ctx;
        final Tcu tcu;
        final ActorRef<TcuJournal.Command> journal;
        final TranslationWorker.Settings settings;
        final StampingList<TcuEvent> log;
        final List<Runnable> afterWrite = new ArrayList<>();
        final List<Runnable> flushWaiters = new ArrayList<>();
        // drained from the TCU's log, not yet sent: written CHUNK events at a time
        final List<TcuEvent> backlog = new ArrayList<>();
        final List<org.iommusim.persistence.serialization.CausalStamp> stamps = new ArrayList<>();
        boolean writing;
        boolean flushScheduled;
        InvalidationPort.Directory direct;
        final AcksAheadMarker marker = new AcksAheadMarker();
        boolean closing;

        Live(ActorContext<Object> ctx, Tcu tcu, ActorRef<TcuJournal.Command> journal, TranslationWorker.Settings settings) {
            this.ctx = ctx;
            this.tcu = tcu;
            this.journal = journal;
            this.settings = settings;
            this.log = new StampingList<>(CausalClock.get(ctx.getSystem()));
        }

        Behavior<Object> running() {
            return Behaviors.receive(Object.class)
                    .onMessage(InvalidationPort.Invalidate.class, inv -> {
                        apply(inv.invalidations());
                        SmmuEntity.InvalidationsApplied ack = new SmmuEntity.InvalidationsApplied(
                                ctx.getSelf().narrow(), inv.lastSeq());
                        if (acksAhead()) {
                            inv.ackTo().tell(ack); // the records follow with the fills, behind the durable marker
                        } else {
                            afterWrite.add(() -> inv.ackTo().tell(ack));
                            write();
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Logged.class, l -> {
                        if (!flushScheduled && !writing) {
                            flushScheduled = true;
                            ctx.scheduleOnce(settings.fillDelay(), ctx.getSelf(), FLUSH_FILLS);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(FlushFills.class, f -> {
                        flushScheduled = false;
                        write();
                        return Behaviors.same();
                    })
                    .onMessage(Written.class, w -> {
                        writing = false;
                        marker.written();
                        write(); // what was logged or acknowledged meanwhile (or is left of the backlog) goes next
                        if (!writing && !flushWaiters.isEmpty()) {
                            List<Runnable> done = List.copyOf(flushWaiters);
                            flushWaiters.clear();
                            done.forEach(Runnable::run);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Flush.class, f -> {
                        if (f.closing() && !closing) {
                            closing = true;
                            if (direct != null) {
                                direct.unregister(ctx.getSelf());
                            }
                            tcu.markAcksAhead(false);
                        }
                        write();
                        if (writing) {
                            flushWaiters.add(f.onWritten());
                        } else {
                            f.onWritten().run();
                        }
                        return Behaviors.same();
                    })
                    .onSignal(Terminated.class, t -> {
                        if (direct != null) {
                            direct.unregister(ctx.getSelf());
                        }
                        ctx.getLog().error("the TCU's journal failed: no further invalidation is acknowledged");
                        flushWaiters.forEach(Runnable::run);
                        return broken();
                    })
                    .build();
        }

        private void apply(List<IssuedInvalidation> invalidations) {
            for (IssuedInvalidation i : invalidations) {
                if (i.tlbi() != null) {
                    tcu.invalidate(i.tlbi());
                } else {
                    tcu.invalidateConfig(i.command()); // a CFGI: the bounded configuration cache
                }
            }
        }

        /**
         * The SMMU entity's direct delivery: applied and acknowledged at once, the records written behind; false,
         * and nothing applied, while acknowledgements may not run ahead ({@link #acksAhead}).
         */
        boolean invalidateDirect(List<IssuedInvalidation> invalidations) {
            if (!acksAhead()) {
                return false;
            }
            apply(invalidations);
            return true;
        }

        /**
         * Whether an invalidation may be acknowledged once applied, its record written behind with the fills: once
         * the caches' {@link TcuEvent.AcksAhead} marker is durable (a crash then empties them at the restart), and
         * not from a clean close's flush on.
         */
        private boolean acksAhead() {
            return marker.durable() && !closing;
        }

        /**
         * Sends what the TCU logged, unless a write is in flight: at most {@link #CHUNK} events a write, so one
         * write stays small however far the log ran ahead; the acknowledgements waiting go with the write that
         * takes the rest (an invalidation is acknowledged once it and everything before it is durable).
         */
        void write() {
            if (writing) {
                return;
            }
            tcu.drainLog(events -> {
                backlog.addAll(events);
                stamps.addAll(StampingList.stampsOf(events));
                return null;
            });
            if (backlog.isEmpty() && afterWrite.isEmpty()) {
                return;
            }
            int n = Math.min(CHUNK, backlog.size());
            List<TcuEvent> events = new ArrayList<>(backlog.subList(0, n));
            List<org.iommusim.persistence.serialization.CausalStamp> st = stamps.size() >= n
                    ? new ArrayList<>(stamps.subList(0, n)) : List.of();
            backlog.subList(0, n).clear();
            stamps.subList(0, Math.min(n, stamps.size())).clear();
            List<Runnable> acks = backlog.isEmpty() ? List.copyOf(afterWrite) : List.of();
            if (backlog.isEmpty()) {
                afterWrite.clear();
            }
            marker.sending(marker.pending() && events.contains(new TcuEvent.AcksAhead(true)));
            journal.tell(new TcuJournal.Write(events, st, () -> {
                acks.forEach(Runnable::run);
                ctx.getSelf().tell(WRITTEN);
            }));
            writing = true;
        }
    }


    /** Out of service: acknowledges nothing more; a flush does not wait for writes that cannot happen. */
    private static Behavior<Object> broken() {
        return Behaviors.receive(Object.class)
                .onMessage(Flush.class, f -> {
                    f.onWritten().run();
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }
}
