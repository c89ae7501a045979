package org.iommusim.actors.translate;

import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * Routes translations to an SMMU's workers by TBU: a stream is served by one
 * TBU (the SMMU's capabilities assign it, {@link
 * org.iommusim.protocol.capability.SmmuCapabilities#tbuOf}) and TBU {@code t}
 * by worker {@code t mod W}. The worker count is a throughput setting only:
 * which TLB a translation meets does not depend on it. Callers send to the
 * workers directly, on their own thread: no router actor, no ask, no reply
 * actor on the hot path. A burst is split by TBU here and each part is
 * answered into the burst itself by its TBU's worker; the last part to
 * finish completes it.
 *
 * <p>Everything goes through {@link Admission}, which bounds what is in
 * flight (see there). Immutable once the workers exist; thread-safe.
 */
public final class TranslationPool {
    /**
     * Units (bursts or requests) in flight at most. A request is one message to
     * its worker and a burst at most one part in each worker's inbox (which
     * keeps one message in the mailbox while parts wait), so this bounds every
     * worker's mailbox and inbox, and the stash that holds messages while its
     * shard recovers (four times this).
     */
    public static final int IN_FLIGHT_LIMIT = 2048;

    /** Workers at most (as TBUs: a burst marks each request's TBU in a byte, and its parts in a 64-bit set). */
    public static final int MAX_WORKERS = 64;

    private final ActorRef<TranslationWorker.Command>[] workers;
    private final PartInbox[] inboxes;
    private final List<ActorRef<TranslationWorker.Command>> workerList;
    private final java.util.function.IntUnaryOperator tbuOf;
    private final int tbus;
    private final int maxBurst;
    private final Admission admission;
    private final TcuTurns turns;
    private volatile String closed;

    /** A worker and its inbox for burst parts. */
    public record Worker(ActorRef<TranslationWorker.Command> ref, PartInbox inbox) {}

    /**
     * Spawns the workers for {@code tbus} TBUs with {@code spawn} (given each
     * worker's index, the TBUs it serves and its inbox) and makes their pool:
     * {@code min(workers, tbus)} workers, TBU {@code t} on worker
     * {@code t mod} that (a worker without a TBU would serve nothing). The
     * inboxes are attached before anything can be posted to them.
     *
     * @param tbuOf the TBU serving a StreamID
     */
    public static TranslationPool spawn(int workers, int tbus, java.util.function.IntUnaryOperator tbuOf, int maxBurst,
            Spawner spawn) {
        return spawn(workers, tbus, tbuOf, maxBurst, null, spawn);
    }

    /**
     * As above; {@code turns} (deterministic mode, else null) orders the units'
     * use of the SMMU's TCU by submission, whatever the worker count.
     */
    public static TranslationPool spawn(int workers, int tbus, java.util.function.IntUnaryOperator tbuOf, int maxBurst,
            TcuTurns turns, Spawner spawn) {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("a translation pool has 1 to " + MAX_WORKERS + " workers, got " + workers);
        }
        if (tbus < 1 || tbus > MAX_WORKERS) {
            throw new IllegalArgumentException("an SMMU has 1 to " + MAX_WORKERS + " TBUs, got " + tbus);
        }
        int n = Math.min(workers, tbus);
        List<Worker> ws = new java.util.ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<Integer> served = new java.util.ArrayList<>();
            for (int t = k; t < tbus; t += n) {
                served.add(t);
            }
            PartInbox inbox = new PartInbox();
            ActorRef<TranslationWorker.Command> ref = spawn.spawn(k, List.copyOf(served), inbox);
            inbox.attach(ref);
            ws.add(new Worker(ref, inbox));
        }
        return new TranslationPool(ws, tbus, tbuOf, maxBurst, turns);
    }

    /** Makes worker {@code index}, serving {@code tbus}, with its inbox. */
    @FunctionalInterface
    public interface Spawner {
        ActorRef<TranslationWorker.Command> spawn(int index, List<Integer> tbus, PartInbox inbox);
    }

    /** The worker serving TBU {@code tbu} among {@code workers}. */
    public static int workerOfTbu(int tbu, int workers) {
        return tbu % workers;
    }

    @SuppressWarnings("unchecked")
    private TranslationPool(List<Worker> ws, int tbus, java.util.function.IntUnaryOperator tbuOf, int maxBurst,
            TcuTurns turns) {
        List<ActorRef<TranslationWorker.Command>> workers = ws.stream().map(Worker::ref).toList();
        if (workers.isEmpty() || workers.size() > MAX_WORKERS) {
            throw new IllegalArgumentException("a translation pool has 1 to " + MAX_WORKERS + " workers, got "
                    + workers.size());
        }
        if (maxBurst < 1) {
            throw new IllegalArgumentException("the burst limit must be at least 1, got " + maxBurst);
        }
        this.workers = workers.toArray(new ActorRef[0]);
        this.inboxes = ws.stream().map(Worker::inbox).toArray(PartInbox[]::new);
        this.workerList = List.copyOf(workers);
        this.tbus = tbus;
        this.tbuOf = tbuOf;
        this.maxBurst = maxBurst;
        this.admission = new Admission(IN_FLIGHT_LIMIT);
        this.turns = turns;
    }

    /** A ticket for a unit posted to {@code inbox}'s worker; -1 without turns. Called in posting order. */
    private long ticket(PartInbox inbox) {
        return turns == null ? -1 : turns.take(inbox.wake);
    }

    public List<ActorRef<TranslationWorker.Command>> workers() {
        return workerList;
    }

    /** The largest burst a caller may submit. */
    public int maxBurst() {
        return maxBurst;
    }

    /** The index of the worker serving stream {@code sid} (the worker of its TBU; the address does not matter). */
    public int indexFor(int sid, long iova) {
        return workerOfTbu(tbuFor(sid), workers.length);
    }

    /** The TBU serving stream {@code sid}. */
    public int tbuFor(int sid) {
        int t = tbuOf.applyAsInt(sid);
        if (t < 0 || t >= tbus) {
            throw new IllegalStateException("stream " + sid + " maps to TBU " + t + " of " + tbus);
        }
        return t;
    }

    public ActorRef<TranslationWorker.Command> workerFor(int sid, long iova) {
        return workers[indexFor(sid, iova)];
    }

    /** Units (bursts or single requests) sent and not yet answered, and units waiting for room. */
    public int inFlight() {
        return admission.inFlight();
    }

    public int waiting() {
        return admission.waiting();
    }

    /**
     * Translates every request of {@code burst} and then runs {@code onDone}
     * with it, answered, on a worker's thread (keep it short; it may submit
     * again). Refused with {@link IllegalArgumentException} when the burst is
     * larger than {@link #maxBurst()}, with {@link IllegalStateException} when
     * it is empty or already submitted.
     */
    public void submit(TranslationBurst burst, Consumer<? super TranslationBurst> onDone) {
        int n = burst.size();
        if (n > maxBurst) {
            throw new IllegalArgumentException("a burst holds 1 to " + maxBurst + " requests, got " + n);
        }
        String shut = closed;
        if (shut != null) {
            // answered here, on the caller's thread: no worker will serve it any more
            BurstSlots.markSubmitted(burst);
            for (int i = 0; i < n; i++) {
                BurstSlots.answerSlot(burst, i, new org.iommusim.protocol.translate.Terminated(burst.sid(i), shut));
            }
            BurstSlots.markCompleted(burst);
            onDone.accept(burst);
            return;
        }
        if (tbus == 1) {
            sendWhole(burst, 0, onDone);
            return;
        }
        byte[] lanes = new byte[n];
        long used = 0;
        for (int i = 0; i < n; i++) {
            int t = tbuFor(burst.sid(i));
            lanes[i] = (byte) t;
            used |= 1L << t;
        }
        int parts = Long.bitCount(used);
        if (parts == 1) {
            sendWhole(burst, Long.numberOfTrailingZeros(used), onDone);
            return;
        }
        // each TBU's worker reads and answers its own run of slots: no cache line written by two workers but at a seam
        int[] start = BurstSlots.markSubmitted(burst, lanes, tbus);
        BurstCompletion done = new BurstCompletion(parts, burst, onDone, admission);
        long partSet = used;
        admission.admit(() -> {
            for (long p = partSet; p != 0; p &= p - 1) {
                int t = Long.numberOfTrailingZeros(p);
                PartInbox inbox = inboxes[workerOfTbu(t, inboxes.length)];
                inbox.post(new TranslationWorker.TranslatePart(done, t, start[t], start[t + 1], ticket(inbox)));
            }
        });
    }

    /** A burst whose requests all go to TBU {@code t}: its slots are its requests, in order. */
    private void sendWhole(TranslationBurst burst, int t, Consumer<? super TranslationBurst> onDone) {
        BurstSlots.markSubmitted(burst);
        BurstCompletion done = new BurstCompletion(1, burst, onDone, admission);
        PartInbox inbox = inboxes[workerOfTbu(t, inboxes.length)];
        admission.admit(() -> inbox.post(new TranslationWorker.TranslatePart(done, t, 0, burst.size(), ticket(inbox))));
    }

    /** One request; {@code onDone} gets its outcome (result, path, walk) on the worker's thread. */
    public void translate(TranslationRequest request, Consumer<? super Outcome> onDone) {
        translate(request, false, onDone);
    }

    /**
     * One request, {@code traced}: its outcome carries the walk's detail ({@link Outcome#walk()}: walk-cache
     * hit levels and each descriptor read), for the per-request detailed path.
     */
    public void translate(TranslationRequest request, boolean traced, Consumer<? super Outcome> onDone) {
        String shut = closed;
        if (shut != null) {
            onDone.accept(new Outcome(new org.iommusim.protocol.translate.Terminated(request.sid(), shut),
                    Outcome.Path.CONFIG, java.util.List.of(), null, 0));
            return;
        }
        int k = indexFor(request.sid(), request.iova());
        ActorRef<TranslationWorker.Command> w = workers[k];
        admission.admit(() -> w.tell(new TranslationWorker.Translate(request, o -> {
            admission.release();
            onDone.accept(o);
        }, ticket(inboxes[k]), traced)));
    }

    /**
     * Deterministic mode, the model at rest ({@code DeterministicRuntime#idle}:
     * nothing queued, no turn running): translates {@code request} on the
     * caller's thread with its worker's own handler, on its own state, and
     * returns the outcome ({@code traced}: with the walk's detail, as
     * {@link #translate(TranslationRequest, boolean, Consumer)}); or null,
     * and nothing was done, when it must go through the worker's mailbox: a
     * unit in flight or waiting for the TCU, the worker recovering, out of
     * service or stopped, the pool closed, or not deterministic mode. At rest
     * no turn could run between the request's arrival and its answer, so this
     * is the turn the mailbox would run next, without the envelope, the
     * dispatch and the future.
     */
    public Outcome translateDirect(TranslationRequest request, boolean traced) {
        if (!directAllowed()) {
            return null;
        }
        PartInbox.Direct d = inboxes[indexFor(request.sid(), request.iova())].direct;
        return d == null ? null : d.translate(request, traced);
    }

    /**
     * Whether a worker's handler may run on the caller's thread: deterministic mode, the pool open, its TCU turns
     * idle, no unit in flight or waiting.
     */
    private boolean directAllowed() {
        return turns != null && closed == null && turns.idle() && admission.inFlight() == 0
                && admission.waiting() == 0;
    }

    /**
     * Deterministic mode, the model at rest: each worker's answer to
     * {@link TranslationWorker.GetEntries} with these arguments, in the order
     * of {@link #workers()}, read on the caller's thread; null, and nothing
     * read, when any must be asked through its mailbox (as for
     * {@link #translateDirect}). At rest the ask's turn would be the only one
     * to run, and it changes nothing: the same answer, without an ask per
     * worker (the simulation checker reads each unmapped range so).
     */
    public List<TranslationWorker.EntriesReport> entriesDirect(org.iommusim.persistence.iotlb.IotlbEntry.Kind kind,
            int vmid, int asid, long from, long to) {
        if (!directAllowed()) {
            return null;
        }
        PartInbox.Direct[] ds = new PartInbox.Direct[inboxes.length];
        for (int i = 0; i < inboxes.length; i++) {
            ds[i] = inboxes[i].direct;
            if (ds[i] == null) {
                return null;
            }
        }
        List<TranslationWorker.EntriesReport> out = new java.util.ArrayList<>(ds.length);
        for (PartInbox.Direct d : ds) {
            out.add(d.entries(kind, vmid, asid, from, to));
        }
        return out;
    }

    /**
     * Completes once no worker has an IOTLB journal write in flight: after {@link #close} and once nothing sends
     * the workers invalidations any more (the SMMU quiesced), so that stopping the model stops no journal
     * mid-write (an invalidation arriving between the close's flush and its {@code Close} was still written).
     */
    public java.util.concurrent.CompletableFuture<Void> settled() {
        return flushed(false);
    }

    private java.util.concurrent.CompletableFuture<Void> flushed(boolean closing) {
        List<java.util.concurrent.CompletableFuture<Void>> flushed = new java.util.ArrayList<>();
        for (ActorRef<TranslationWorker.Command> w : workers) {
            java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
            w.tell(new TranslationWorker.Flush(() -> f.complete(null), closing));
            flushed.add(f);
        }
        return java.util.concurrent.CompletableFuture.allOf(flushed.toArray(new java.util.concurrent.CompletableFuture[0]));
    }

    /**
     * Closes the pool: every worker first writes what it holds back, then
     * answers whatever still reaches it as terminated with {@code reason}, and
     * so does a submission after this call, on the caller's thread. Completes
     * when every unit admitted before has been answered.
     */
    public java.util.concurrent.CompletableFuture<Void> close(String reason) {
        closed = reason;
        // a live worker's closing Flush writes what it holds back, its acknowledgement markers cleared last
        return flushed(true).thenCompose(v -> {
            for (ActorRef<TranslationWorker.Command> w : workers) {
                w.tell(new TranslationWorker.Close(reason));
            }
            return admission.whenIdle();
        });
    }
}
