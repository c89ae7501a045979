package org.iommusim.actors.translate;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.internal.BurstSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submitted burst waiting for its parts (one per worker its requests
 * hash to): the worker finishing the last part hands the burst back and runs
 * the caller's callback, on its own thread. Each worker writes only its own
 * requests' results; the count's atomic decrement orders those writes before
 * the callback reads them.
 */
final class BurstCompletion extends AtomicInteger {
    private static final Logger LOG = LoggerFactory.getLogger(BurstCompletion.class);

    private final transient TranslationBurst burst;
    private final transient Consumer<? super TranslationBurst> callback;
    private final transient Admission admission;

    BurstCompletion(int parts, TranslationBurst burst, Consumer<? super TranslationBurst> callback,
            Admission admission) {
        super(parts);
        this.burst = burst;
        this.callback = callback;
        this.admission = admission;
    }

    TranslationBurst burst() {
        return burst;
    }

    void partDone() {
        if (decrementAndGet() != 0) {
            return;
        }
        BurstSlots.markCompleted(burst);
        admission.release();
        try {
            callback.accept(burst);
        } catch (RuntimeException | AssertionError e) {
            // the caller's code must not take a worker (and its IOTLB shard) down with it
            LOG.error("a translation burst's callback threw; the burst was answered", e);
        }
    }
}
