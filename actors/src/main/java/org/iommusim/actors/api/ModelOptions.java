package org.iommusim.actors.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.iommusim.actors.translate.TranslationPool;

/**
 * How to start a model: where its LevelDB journal lives (created with its
 * parents, refused clearly when locked), fsync, how many translation workers
 * each SMMU gets (default: available processors), the burst limit, how long
 * a blocking call may wait, and how the actors run ({@link Execution}:
 * threaded by default).
 */
public record ModelOptions(Path dataDir, boolean fsync, int workersPerSmmu, int maxBurst, Duration callTimeout,
        Execution execution) {
    /**
     * Workers per SMMU in deterministic mode unless chosen: a fixed number, since
     * the host's core count would change which IOTLB shard a page lands in.
     */
    public static final int DETERMINISTIC_WORKERS = 2;

    public ModelOptions {
        if (workersPerSmmu < 1 || workersPerSmmu > TranslationPool.MAX_WORKERS) {
            throw new IllegalArgumentException("workers per SMMU must be 1 to " + TranslationPool.MAX_WORKERS
                    + ", got " + workersPerSmmu);
        }
        if (maxBurst < 1) {
            throw new IllegalArgumentException("the burst limit must be at least 1, got " + maxBurst);
        }
        java.util.Objects.requireNonNull(execution, "execution");
    }

    /** Threaded execution. */
    public ModelOptions(Path dataDir, boolean fsync, int workersPerSmmu, int maxBurst, Duration callTimeout) {
        this(dataDir, fsync, workersPerSmmu, maxBurst, callTimeout, Execution.THREADED);
    }

    public static ModelOptions at(Path dataDir) {
        int workers = Math.min(Runtime.getRuntime().availableProcessors(), TranslationPool.MAX_WORKERS);
        return new ModelOptions(dataDir, true, workers, 64, Duration.ofSeconds(30), Execution.THREADED);
    }

    public ModelOptions withFsync(boolean on) {
        return new ModelOptions(dataDir, on, workersPerSmmu, maxBurst, callTimeout, execution);
    }

    public ModelOptions withWorkers(int n) {
        return new ModelOptions(dataDir, fsync, n, maxBurst, callTimeout, execution);
    }

    public ModelOptions withMaxBurst(int n) {
        return new ModelOptions(dataDir, fsync, workersPerSmmu, n, callTimeout, execution);
    }

    /**
     * Deterministic mode, ready turns in FIFO order. Sets the workers per SMMU
     * to {@link #DETERMINISTIC_WORKERS}, whatever the host: call
     * {@link #withWorkers} after this to choose another count.
     */
    public ModelOptions deterministic() {
        return new ModelOptions(dataDir, fsync, DETERMINISTIC_WORKERS, maxBurst, callTimeout,
                new Execution.Deterministic(OptionalLong.empty()));
    }

    /**
     * Deterministic mode with a seeded choice among ready actor turns (one
     * message per turn): each seed is one reproducible interleaving. Sets the
     * workers as {@link #deterministic()} does.
     */
    public ModelOptions deterministic(long interleavingSeed) {
        return new ModelOptions(dataDir, fsync, DETERMINISTIC_WORKERS, maxBurst, callTimeout,
                new Execution.Deterministic(OptionalLong.of(interleavingSeed)));
    }

    /** Whether the actors run deterministically on the caller's thread. */
    public boolean isDeterministic() {
        return execution instanceof Execution.Deterministic;
    }
}
