package org.iommusim.actors.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.iommusim.actors.api.ModelException;

/**
 * Every facade call passes here, so that every caller gets an answer:
 * <ul>
 * <li>at most {@code limit} calls are in flight to one entity (a domain, an
 * SMMU's command queue, an SMMU's streams); one more is refused at once with
 * {@link ModelException.Kind#OVERLOADED}, so no entity's mailbox or stash can
 * grow past what it holds (Pekko's stash drops beyond 4096);</li>
 * <li>once the model stops (closed, or its journal failed), every pending
 * call fails with the reason and every later one fails at once;</li>
 * <li>whatever goes wrong underneath (an ask timeout, a stopped actor) comes
 * out as a {@link ModelException} with a kind.</li>
 * </ul>
 * Thread-safe.
 */
public final class CallGate {
    private final int limit;
    private final Map<Object, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger underway = new AtomicInteger();
    private final java.util.Queue<CompletableFuture<Void>> quietWaiters = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile ModelException.Kind stoppedKind;
    private volatile String stoppedWhy;

    public CallGate(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the per-entity call limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** Throws the stop reason when the model no longer serves. */
    public void ensureOpen() {
        ModelException refused = refusal();
        if (refused != null) {
            throw refused;
        }
    }

    public boolean isStopped() {
        return stoppedKind != null;
    }

    /**
     * Starts a call to {@code entity} unless it is refused; the returned future
     * completes with the call's answer, or fails with a {@link ModelException}.
     */
    public <T> CompletableFuture<T> call(Object entity, Supplier<? extends CompletionStage<T>> start) {
        return call(entity, start, true);
    }

    /**
     * As {@link #call(Object, Supplier)}; a call that may wait without end for
     * something the model does (an awaited CMD_SYNC) passes {@code counted}
     * false, so that {@link #quiet} does not wait for it.
     */
    public <T> CompletableFuture<T> call(Object entity, Supplier<? extends CompletionStage<T>> start, boolean counted) {
        ModelException refused = refusal();
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        AtomicInteger n = inFlight.computeIfAbsent(entity, k -> new AtomicInteger());
        if (n.incrementAndGet() > limit) {
            n.decrementAndGet();
            return CompletableFuture.failedFuture(new ModelException(ModelException.Kind.OVERLOADED,
                    entity + " already has " + limit + " calls in flight; nothing was done, try again when some"
                            + " have completed"));
        }
        CompletableFuture<T> out = track(new CompletableFuture<>());
        out.whenComplete((v, e) -> n.decrementAndGet());
        if (out.isDone()) {
            return out;
        }
        CompletionStage<T> stage;
        if (counted) {
            underway.incrementAndGet();
        }
        try {
            stage = start.get();
        } catch (RuntimeException e) {
            if (counted) {
                settled();
            }
            out.completeExceptionally(e);
            return out;
        }
        stage.whenComplete((v, e) -> {
            if (counted) {
                settled();
            }
            if (e == null) {
                out.complete(v);
            } else {
                out.completeExceptionally(failure(e));
            }
        });
        return out;
    }

    /**
     * Registers a future the model will complete (a translation): it fails with
     * the stop reason if the model stops first. Refused at once when stopped.
     */
    public <T> CompletableFuture<T> track(CompletableFuture<T> f) {
        pending.add(f);
        f.whenComplete((v, e) -> pending.remove(f));
        ModelException refused = refusal();
        if (refused != null) {
            f.completeExceptionally(refused);
        }
        return f;
    }

    /**
     * Completes once every counted call started so far has had its answer from
     * the model (its journal write done), even if its caller was already told
     * the model stopped: what a close waits for before it stops the actors, so
     * none is stopped in the middle of a write.
     */
    public CompletableFuture<Void> quiet() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        quietWaiters.add(f);
        wakeIfQuiet();
        return f;
    }

    private void settled() {
        if (underway.decrementAndGet() == 0) {
            wakeIfQuiet();
        }
    }

    private void wakeIfQuiet() {
        if (underway.get() == 0) {
            for (CompletableFuture<Void> f; (f = quietWaiters.poll()) != null; ) {
                f.complete(null);
            }
        }
    }

    /** From now on nothing is served: pending calls fail with this reason, and so do later ones, at once. */
    public void stop(ModelException.Kind kind, String why) {
        synchronized (this) {
            if (stoppedKind != null) {
                return;
            }
            stoppedWhy = why;
            stoppedKind = kind;
        }
        for (CompletableFuture<?> f : pending.toArray(new CompletableFuture<?>[0])) {
            f.completeExceptionally(new ModelException(kind, why));
        }
    }

    /** The reason the model stopped, as an exception to throw, or null while it serves. */
    public ModelException refusal() {
        ModelException.Kind k = stoppedKind;
        return k == null ? null : new ModelException(k, stoppedWhy);
    }

    /** What a failure underneath means to the caller. */
    public ModelException failure(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ModelException m) {
            return m;
        }
        ModelException stopped = refusal();
        if (stopped != null) {
            return stopped;
        }
        if (cause instanceof TimeoutException) {
            return new ModelException(ModelException.Kind.TIMEOUT, "no answer in time: " + cause.getMessage());
        }
        return new ModelException(ModelException.Kind.MODEL_FAILED, "the model failed to answer: " + cause);
    }
}
