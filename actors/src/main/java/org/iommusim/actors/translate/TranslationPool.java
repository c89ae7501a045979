package org.iommusim.actors.translate;

import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * Routes translations to an SMMU's workers by consistent hashing on
 * (StreamID, 4K page) ({@link HashRing}), so one page of one stream always
 * meets the same IOTLB shard. Callers send to the workers directly, on their
 * own thread: no router actor, no ask, no reply actor on the hot path. A
 * burst is split by worker here and each worker answers its part into the
 * burst itself; the last part to finish completes it.
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

    /** Workers at most: a burst marks each request's worker in a byte, and its parts in a 64-bit set. */
    public static final int MAX_WORKERS = 64;

    private final ActorRef<TranslationWorker.Command>[] workers;
    private final PartInbox[] inboxes;
    private final List<ActorRef<TranslationWorker.Command>> workerList;
    private final HashRing ring;
    private final int maxBurst;
    private final Admission admission;
    private volatile String closed;

    /** A worker and its inbox for burst parts. */
    public record Worker(ActorRef<TranslationWorker.Command> ref, PartInbox inbox) {}

    /**
     * Spawns {@code n} workers with {@code spawn} (given each index and its
     * inbox) and makes their pool: the inboxes are attached before anything
     * can be posted to them.
     */
    public static TranslationPool spawn(int n, int maxBurst,
            java.util.function.BiFunction<Integer, PartInbox, ActorRef<TranslationWorker.Command>> spawn) {
        List<Worker> ws = new java.util.ArrayList<>();
        for (int k = 0; k < n; k++) {
            PartInbox inbox = new PartInbox();
            ActorRef<TranslationWorker.Command> ref = spawn.apply(k, inbox);
            inbox.attach(ref);
            ws.add(new Worker(ref, inbox));
        }
        return new TranslationPool(ws, maxBurst);
    }

    @SuppressWarnings("unchecked")
    private TranslationPool(List<Worker> ws, int maxBurst) {
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
        this.ring = new HashRing(workers.size());
        this.maxBurst = maxBurst;
        this.admission = new Admission(IN_FLIGHT_LIMIT);
    }

    public List<ActorRef<TranslationWorker.Command>> workers() {
        return workerList;
    }

    /** The largest burst a caller may submit. */
    public int maxBurst() {
        return maxBurst;
    }

    /** The index of the worker serving (sid, page of iova). */
    public int indexFor(int sid, long iova) {
        return ring.indexFor(sid, iova);
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
            burst.markSubmitted();
            for (int i = 0; i < n; i++) {
                burst.answerSlot(i, new org.iommusim.protocol.translate.Terminated(burst.sid(i), shut));
            }
            burst.markCompleted();
            onDone.accept(burst);
            return;
        }
        if (workers.length == 1) {
            sendWhole(burst, 0, onDone);
            return;
        }
        byte[] lanes = new byte[n];
        long used = 0;
        for (int i = 0; i < n; i++) {
            int w = ring.indexFor(burst.sid(i), burst.iova(i));
            lanes[i] = (byte) w;
            used |= 1L << w;
        }
        int parts = Long.bitCount(used);
        if (parts == 1) {
            sendWhole(burst, Long.numberOfTrailingZeros(used), onDone);
            return;
        }
        // each worker reads and answers its own run of slots: no cache line written by two workers but at a seam
        int[] start = burst.markSubmitted(lanes, workers.length);
        BurstCompletion done = new BurstCompletion(parts, burst, onDone, admission);
        long partSet = used;
        admission.admit(() -> {
            for (long p = partSet; p != 0; p &= p - 1) {
                int w = Long.numberOfTrailingZeros(p);
                inboxes[w].post(new TranslationWorker.TranslatePart(done, start[w], start[w + 1]));
            }
        });
    }

    /** A burst whose requests all go to worker {@code w}: its slots are its requests, in order. */
    private void sendWhole(TranslationBurst burst, int w, Consumer<? super TranslationBurst> onDone) {
        burst.markSubmitted();
        TranslationWorker.TranslatePart part = new TranslationWorker.TranslatePart(
                new BurstCompletion(1, burst, onDone, admission), 0, burst.size());
        PartInbox inbox = inboxes[w];
        admission.admit(() -> inbox.post(part));
    }

    /** One request; {@code onDone} gets its outcome (result, path, walk) on the worker's thread. */
    public void translate(TranslationRequest request, Consumer<? super Outcome> onDone) {
        String shut = closed;
        if (shut != null) {
            onDone.accept(new Outcome(new org.iommusim.protocol.translate.Terminated(request.sid(), shut),
                    Outcome.Path.CONFIG, java.util.List.of(), null, 0));
            return;
        }
        ActorRef<TranslationWorker.Command> w = workerFor(request.sid(), request.iova());
        admission.admit(() -> w.tell(new TranslationWorker.Translate(request, o -> {
            admission.release();
            onDone.accept(o);
        })));
    }

    /**
     * Closes the pool: every worker first writes what it holds back, then
     * answers whatever still reaches it as terminated with {@code reason}, and
     * so does a submission after this call, on the caller's thread. Completes
     * when every unit admitted before has been answered.
     */
    public java.util.concurrent.CompletableFuture<Void> close(String reason) {
        closed = reason;
        List<java.util.concurrent.CompletableFuture<Void>> flushed = new java.util.ArrayList<>();
        for (ActorRef<TranslationWorker.Command> w : workers) {
            java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
            w.tell(new TranslationWorker.Flush(() -> f.complete(null)));
            flushed.add(f);
        }
        return java.util.concurrent.CompletableFuture.allOf(flushed.toArray(new java.util.concurrent.CompletableFuture[0]))
                .thenCompose(v -> {
                    for (ActorRef<TranslationWorker.Command> w : workers) {
                        w.tell(new TranslationWorker.Close(reason));
                    }
                    return admission.whenIdle();
                });
    }
}
