package org.iommusim.simulations.engine;

import java.util.OptionalLong;

/**
 * How a simulation runs the model: deterministically on the scheduler's
 * thread in virtual time (the default), or threaded with devices running
 * freely in real time.
 */
public sealed interface RunMode permits RunMode.Deterministic, RunMode.Concurrent {
    /**
     * The model on the scheduler's thread ({@code ModelOptions.deterministic}),
     * its clock following the scheduler's virtual time. Without an
     * interleaving seed, ready actor turns run in FIFO order; with one, the
     * seed picks which runs next (each seed one reproducible interleaving).
     */
    record Deterministic(OptionalLong interleavingSeed) implements RunMode {
        public Deterministic {
            java.util.Objects.requireNonNull(interleavingSeed, "interleavingSeed");
        }

        @Override
        public String label() {
            return interleavingSeed.isEmpty() ? "deterministic"
                    : "deterministic, interleave " + interleavingSeed.getAsLong();
        }
    }

    /**
     * Pekko's threads; every device on its own thread sends its DMA as
     * asynchronous {@code TranslationPort} bursts, several in flight; time is
     * real.
     */
    record Concurrent() implements RunMode {
        @Override
        public String label() {
            return "concurrent";
        }
    }

    /** FIFO deterministic mode. */
    RunMode DETERMINISTIC = new Deterministic(OptionalLong.empty());

    RunMode CONCURRENT = new Concurrent();

    /** Deterministic mode with a seeded choice among ready actor turns. */
    static RunMode interleaved(long seed) {
        return new Deterministic(OptionalLong.of(seed));
    }

    /** The report's {@code mode}: {@code deterministic}, {@code deterministic, interleave N} or {@code concurrent}. */
    String label();
}
