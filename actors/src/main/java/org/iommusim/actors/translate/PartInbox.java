package org.iommusim.actors.translate;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A worker's inbox for burst parts, with a doorbell: a queue the pool posts
 * parts to, and one {@link TranslationWorker.Ring} message in the worker's
 * mailbox while any are waiting. The worker takes the parts within its own
 * turn, so its shard still has one owner; a busy worker is not sent a
 * message per part (each would cost a dispatch and an envelope, as much as
 * translating the part). Posting and draining cross as in Dekker's
 * protocol: a part posted while the worker stops draining is either seen by
 * the worker or rings again, never left behind.
 *
 * <p>Order against the mailbox is what CMD_SYNC needs: a part posted after a
 * sync completed is posted after the worker applied the invalidations the
 * sync waited for, so it is translated after them.
 */
public final class PartInbox {
    private final ConcurrentLinkedQueue<TranslationWorker.TranslatePart> parts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean rung = new AtomicBoolean();
    private volatile ActorRef<TranslationWorker.Command> worker;
    /**
     * Deterministic mode: the worker's own handlers for one request and for a
     * read of its TLBs, which the pool may run on the caller's thread while
     * the model is at rest ({@link TranslationPool#translateDirect},
     * {@link TranslationPool#entriesDirect}); a request is answered null when
     * the worker has units waiting. Null while the worker cannot serve so
     * (recovering, out of service) and on Pekko's threads.
     */
    volatile Direct direct;

    /** A worker's handlers, run outside its turns. */
    interface Direct {
        /** One request ({@code traced}: with the walk's detail). */
        org.iommusim.persistence.translate.Outcome translate(org.iommusim.protocol.translate.TranslationRequest r,
                boolean traced);

        /** What the worker answers to {@link TranslationWorker.GetEntries} with these arguments. */
        TranslationWorker.EntriesReport entries(org.iommusim.persistence.iotlb.IotlbEntry.Kind kind, int vmid,
                int asid, long from, long to);
    }

    /** Rings the worker: how {@link TcuTurns} wakes it when its ticket comes up. */
    final Runnable wake = () -> worker.tell(TranslationWorker.RING);

    /** The worker this inbox belongs to; set right after it is spawned, before anything is posted. */
    void attach(ActorRef<TranslationWorker.Command> w) {
        worker = w;
    }

    void post(TranslationWorker.TranslatePart part) {
        parts.offer(part);
        if (!rung.get() && rung.compareAndSet(false, true)) {
            worker.tell(TranslationWorker.RING);
        }
    }

    /** The next part, or null. */
    TranslationWorker.TranslatePart take() {
        return parts.poll();
    }

    /** The next part without taking it, or null. */
    TranslationWorker.TranslatePart peek() {
        return parts.peek();
    }

    /**
     * The worker stops with a part whose ticket is not served yet
     * ({@link TcuTurns}): a post rings it again, and so does its turn.
     */
    void waitTurn() {
        rung.set(false);
    }

    /** The worker found the inbox empty: the next post rings again (and one that just came in rings now). */
    void drained() {
        rung.set(false);
        if (!parts.isEmpty() && rung.compareAndSet(false, true)) {
            worker.tell(TranslationWorker.RING);
        }
    }

    /** The worker stops for now with parts left: it rings itself, behind whatever its mailbox holds. */
    void later() {
        worker.tell(TranslationWorker.RING);
    }

    /**
     * One turn of the worker on a {@link TranslationWorker.Ring}: takes up to
     * {@code max} parts, each to {@code each}, then either finds the inbox
     * empty ({@link #drained}) or rings again for the rest ({@link #later}), so
     * other messages are not held up behind a stream of parts.
     */
    void serve(int max, java.util.function.Consumer<TranslationWorker.TranslatePart> each) {
        for (int k = 0; k < max; k++) {
            TranslationWorker.TranslatePart part = take();
            if (part == null) {
                drained();
                return;
            }
            each.accept(part);
        }
        later();
    }
}
