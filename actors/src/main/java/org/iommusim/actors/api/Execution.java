package org.iommusim.actors.api;

import java.util.OptionalLong;

/**
 * How a model's actors are run: on Pekko's thread pools
 * ({@link Threaded}), or all on the caller's thread with virtual time
 * ({@link Deterministic}, see {@code org.iommusim.actors.exec}).
 * Immutable, safe to share between threads.
 */
public sealed interface Execution permits Execution.Threaded, Execution.Deterministic {
    /** Pekko's dispatchers and wall-clock timers: throughput and stress. */
    record Threaded() implements Execution {}

    /**
     * One caller-driven executor and a virtual clock: the same journal, byte
     * for byte, for the same calls. Without an interleaving seed, ready actor
     * turns run in FIFO order; with one, the seed picks which runs next.
     */
    record Deterministic(OptionalLong interleavingSeed) implements Execution {
        /**
         * Refuses a null seed (use {@code OptionalLong.empty()} for FIFO order).
         */
        public Deterministic {
            java.util.Objects.requireNonNull(interleavingSeed, "interleavingSeed");
        }
    }

    /**
     * Threaded execution: the default.
     */
    Threaded THREADED = new Threaded();
}
