package org.iommusim.actors.api;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.iommusim.actors.internal.CallGate;
import org.iommusim.actors.translate.TranslationPool;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * A device's connection to one SMMU's translation pool: the hot path for
 * DMA. Get one with {@link IommuSim#translationPort}, keep it, and send
 * {@link TranslationBurst}s (reusable, results in flat arrays) or single
 * requests through it. Nothing here asks an actor or waits: requests go
 * straight to the IOTLB shards' workers and the answer comes back through a
 * callback, run on a model thread as soon as the last request is answered.
 * Keep callbacks short and never block in them; submitting the next burst
 * from one is fine.
 *
 * <p>Semantics are those of every other translation: a hit persists
 * nothing, a miss walks the published tables and fills the IOTLB, a fault
 * goes to the SMMU's event queue. What is in flight is bounded for the whole
 * pool (2,048 units); more waits, in
 * order, and goes out as answers come back: submitting never blocks and
 * never loses a request.
 *
 * <p>Thread-safe; a burst, though, belongs to one thread at a time.
 */
public final class TranslationPort {
    private final Smmu smmu;
    private final TranslationPool pool;
    private final CallGate gate;

    TranslationPort(Smmu smmu, TranslationPool pool, CallGate gate) {
        this.smmu = smmu;
        this.pool = pool;
        this.gate = gate;
    }

    /**
     * The SMMU this port translates through.
     *
     * @return its handle
     */
    public Smmu smmu() {
        return smmu;
    }

    /** The most requests one burst may hold ({@link ModelOptions#maxBurst()}). */
    public int maxBurst() {
        return pool.maxBurst();
    }

    /** A new, empty burst of {@link #maxBurst()} requests. */
    public TranslationBurst newBurst() {
        return new TranslationBurst(pool.maxBurst());
    }

    /**
     * Translates every request of {@code burst}, then runs {@code onDone} with
     * the burst, answered. Refused with a {@link ModelException}:
     * BURST_EMPTY, BURST_TOO_LARGE (more than {@link #maxBurst()} requests),
     * BURST_IN_FLIGHT (submitted and not yet completed), CLOSED (the model is
     * closed). A burst in flight when the model closes is answered with every
     * request terminated ("the model is closed").
     */
    public void submit(TranslationBurst burst, Consumer<? super TranslationBurst> onDone) {
        if (burst == null || onDone == null) {
            throw new IllegalArgumentException(burst == null ? "burst must not be null" : "onDone must not be null");
        }
        gate.ensureOpen();
        if (burst.isEmpty()) {
            throw new ModelException(ModelException.Kind.BURST_EMPTY, "a burst holds 1 to " + pool.maxBurst() + " requests, got 0");
        }
        if (burst.size() > pool.maxBurst()) {
            throw new ModelException(ModelException.Kind.BURST_TOO_LARGE,
                    "a burst holds 1 to " + pool.maxBurst() + " requests, got " + burst.size());
        }
        if (BurstSlots.isSubmitted(burst)) {
            throw new ModelException(ModelException.Kind.BURST_IN_FLIGHT, "the burst is submitted and not yet completed");
        }
        pool.submit(burst, onDone);
    }

    /**
     * {@link #submit(TranslationBurst, Consumer)} with a future; it completes on
     * a model thread, or fails with CLOSED if the model closes first.
     */
    public CompletableFuture<TranslationBurst> submit(TranslationBurst burst) {
        CompletableFuture<TranslationBurst> f = new CompletableFuture<>();
        submit(burst, b -> {
            ModelException stopped = gate.refusal();
            if (stopped != null) {
                f.completeExceptionally(stopped);
            } else {
                f.complete(b);
            }
        });
        return gate.track(f);
    }

    /**
     * One request; {@code onDone} gets its result on a model thread (terminated,
     * "the model is closed", if the model closes first). Refused with CLOSED
     * once the model is closed.
     */
    public void translate(TranslationRequest request, Consumer<? super TranslationResult> onDone) {
        if (request == null || onDone == null) {
            throw new IllegalArgumentException(request == null ? "request must not be null" : "onDone must not be null");
        }
        gate.ensureOpen();
        pool.translate(request, o -> onDone.accept(o.result()));
    }
}
