package org.iommusim.actors.translate;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flow control in front of a translation pool: at most {@code limit} units
 * of work (a burst, or one request) in flight. Each unit sends at most one
 * message to each worker, so no worker ever holds more than {@code limit}
 * translation messages, in its mailbox or in the stash it keeps while its
 * shard recovers. Work beyond the limit waits here and is sent, first come
 * first sent, as units complete: nothing blocks, nothing is dropped. One
 * submitter's units go out in the order it admitted them (a unit waits behind
 * any still waiting or being sent); one thread at a time sends waiting work.
 */
final class Admission {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<java.util.concurrent.CompletableFuture<Void>> idleWaiters =
            new ConcurrentLinkedQueue<>();

    Admission(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("admission limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** Runs {@code send} now if there is room, else once earlier units complete. */
    void admit(Runnable send) {
        if (queued.get() == 0 && tryAcquire()) {
            send.run();
            return;
        }
        // counted before it is queued, so a drainer that sees the count but not yet the work gives way
        queued.incrementAndGet();
        waiting.add(send);
        drain();
    }

    /** One unit completed. */
    void release() {
        inFlight.decrementAndGet();
        if (queued.get() > 0) {
            drain();
        }
        if (!idleWaiters.isEmpty()) {
            wakeIfIdle();
        }
    }

    /** Completes once nothing is in flight or waiting (for a close: every unit answered). */
    java.util.concurrent.CompletableFuture<Void> whenIdle() {
        java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
        idleWaiters.add(f);
        wakeIfIdle();
        return f;
    }

    private void wakeIfIdle() {
        if (inFlight.get() == 0 && queued.get() == 0) {
            for (java.util.concurrent.CompletableFuture<Void> f; (f = idleWaiters.poll()) != null; ) {
                f.complete(null);
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    int waiting() {
        return queued.get();
    }

    private void drain() {
        while (draining.compareAndSet(false, true)) {
            try {
                while (queued.get() > 0 && tryAcquire()) {
                    Runnable next = waiting.poll();
                    if (next == null) {
                        // its producer has counted it but not queued it yet; it drains after queuing
                        inFlight.decrementAndGet();
                        break;
                    }
                    try {
                        next.run();
                    } finally {
                        // only now: until it is sent, a new unit must queue behind it
                        queued.decrementAndGet();
                    }
                }
            } finally {
                draining.set(false);
            }
            // room or work may have come while this thread held the drain: look again rather than strand it
            if (waiting.peek() == null || inFlight.get() >= limit) {
                return;
            }
        }
    }

    private boolean tryAcquire() {
        for (int n = inFlight.get(); n < limit; n = inFlight.get()) {
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }
}
