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
 * threaded by default). Immutable (each {@code with...} returns a copy),
 * safe to share between threads. Each component has its builder method:
 * {@link #withDataDir}, {@link #withFsync}, {@link #withWorkers} (for
 * {@code workersPerSmmu}), {@link #withMaxBurst}, {@link #withCallTimeout},
 * {@link #withExecution} (and the shorthands {@link #threaded()},
 * {@link #deterministic()}).
 *
 * @param dataDir        where the journal and snapshots go (created with its parents)
 * @param fsync          sync each journal write before acknowledging it (default on)
 * @param workersPerSmmu translation workers per SMMU, 1 to 64 (default: available processors)
 * @param maxBurst       the most requests one burst may hold (default 64)
 * @param callTimeout    the longest a blocking call waits (default 30 s)
 * @param execution      threaded (default) or deterministic
 */
public record ModelOptions(Path dataDir, boolean fsync, int workersPerSmmu, int maxBurst, Duration callTimeout,
        Execution execution) {
    /**
     * Workers per SMMU in deterministic mode unless chosen: a fixed number, since
     * the host's core count would change which IOTLB shard a page lands in.
     */
    public static final int DETERMINISTIC_WORKERS = 2;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException for a null data directory, timeout or execution, workers outside 1
     *         to the pool's maximum (64), a burst limit below 1, or a call timeout that is not positive
     */
    public ModelOptions {
        if (dataDir == null || callTimeout == null || execution == null) {
            throw new IllegalArgumentException("options need a data directory, a call timeout and an execution, got "
                    + dataDir + ", " + callTimeout + ", " + execution);
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("the call timeout must be positive, got " + callTimeout);
        }
        if (workersPerSmmu < 1 || workersPerSmmu > TranslationPool.MAX_WORKERS) {
            throw new IllegalArgumentException("workers per SMMU must be 1 to " + TranslationPool.MAX_WORKERS
                    + ", got " + workersPerSmmu);
        }
        if (maxBurst < 1) {
            throw new IllegalArgumentException("the burst limit must be at least 1, got " + maxBurst);
        }
    }

    /**
     * Threaded execution.
     *
     * @param dataDir        where the journal and snapshots go
     * @param fsync          sync each journal write before acknowledging it
     * @param workersPerSmmu translation workers per SMMU, 1 to 64
     * @param maxBurst       the most requests one burst may hold
     * @param callTimeout    the longest a blocking call waits
     */
    public ModelOptions(Path dataDir, boolean fsync, int workersPerSmmu, int maxBurst, Duration callTimeout) {
        this(dataDir, fsync, workersPerSmmu, maxBurst, callTimeout, Execution.THREADED);
    }

    /**
     * The defaults on {@code dataDir}: fsync on, one worker per available
     * processor (at most 64), bursts of up to 64, a 30 s call timeout,
     * threaded execution.
     *
     * @param dataDir where the journal and snapshots go (created with its parents)
     * @return the options
     */
    public static ModelOptions at(Path dataDir) {
        int workers = Math.min(Runtime.getRuntime().availableProcessors(), TranslationPool.MAX_WORKERS);
        return new ModelOptions(dataDir, true, workers, 64, Duration.ofSeconds(30), Execution.THREADED);
    }

    /**
     * Another journal directory, every other option kept.
     *
     * @param dir where the journal and snapshots go (created with its parents)
     * @return a copy on that directory
     * @throws IllegalArgumentException for a null directory
     */
    public ModelOptions withDataDir(Path dir) {
        return new ModelOptions(dir, fsync, workersPerSmmu, maxBurst, callTimeout, execution);
    }

    /**
     * How the actors run, every other option kept: unlike {@link #deterministic()}, the worker count is not
     * changed (a deterministic run's journal then depends on the count chosen, never on the host).
     *
     * @param how {@link Execution#THREADED} or an {@link Execution.Deterministic}
     * @return a copy that runs that way
     * @throws IllegalArgumentException for a null execution
     */
    public ModelOptions withExecution(Execution how) {
        return new ModelOptions(dataDir, fsync, workersPerSmmu, maxBurst, callTimeout, how);
    }

    /**
     * Whether each journal write is synced to disk before it is acknowledged
     * (on by default; off makes tests fast and a crash may lose acknowledged
     * writes).
     *
     * @param on fsync on or off
     * @return a copy with that setting
     */
    public ModelOptions withFsync(boolean on) {
        return new ModelOptions(dataDir, on, workersPerSmmu, maxBurst, callTimeout, execution);
    }

    /**
     * Translation workers per SMMU: a throughput setting only (the TLBs
     * belong to the TBUs, so the count changes no translation).
     *
     * @param n 1 to 64
     * @return a copy with that count
     * @throws IllegalArgumentException outside 1 to 64
     */
    public ModelOptions withWorkers(int n) {
        return new ModelOptions(dataDir, fsync, n, maxBurst, callTimeout, execution);
    }

    /**
     * The most requests one burst may hold.
     *
     * @param n 1 or more
     * @return a copy with that limit
     * @throws IllegalArgumentException below 1
     */
    public ModelOptions withMaxBurst(int n) {
        return new ModelOptions(dataDir, fsync, workersPerSmmu, n, callTimeout, execution);
    }

    /**
     * The longest any blocking call waits for its answer (virtual time in
     * deterministic mode) before it fails with TIMEOUT; also the ask timeout
     * of every {@code ...Async} call.
     *
     * @param timeout positive
     * @return a copy with that timeout
     * @throws IllegalArgumentException for a null or non-positive timeout
     */
    public ModelOptions withCallTimeout(Duration timeout) {
        return new ModelOptions(dataDir, fsync, workersPerSmmu, maxBurst, timeout, execution);
    }

    /**
     * Threaded execution (the default): Pekko's dispatchers and wall-clock
     * timers. Keeps the worker count.
     *
     * @return a copy that runs threaded
     */
    public ModelOptions threaded() {
        return new ModelOptions(dataDir, fsync, workersPerSmmu, maxBurst, callTimeout, Execution.THREADED);
    }

    /**
     * Deterministic mode, ready turns in FIFO order. Sets the workers per SMMU
     * to {@link #DETERMINISTIC_WORKERS}, whatever the host: call
     * {@link #withWorkers} after this to choose another count.
     *
     * @return a copy that runs deterministically
     */
    public ModelOptions deterministic() {
        return new ModelOptions(dataDir, fsync, DETERMINISTIC_WORKERS, maxBurst, callTimeout,
                new Execution.Deterministic(OptionalLong.empty()));
    }

    /**
     * Deterministic mode with a seeded choice among ready actor turns (one
     * message per turn): each seed is one reproducible interleaving. Sets the
     * workers as {@link #deterministic()} does.
     *
     * @param interleavingSeed picks among ready turns
     * @return a copy that runs deterministically with that interleaving
     */
    public ModelOptions deterministic(long interleavingSeed) {
        return new ModelOptions(dataDir, fsync, DETERMINISTIC_WORKERS, maxBurst, callTimeout,
                new Execution.Deterministic(OptionalLong.of(interleavingSeed)));
    }

    /**
     * Whether the actors run deterministically on the caller's thread.
     *
     * @return true for {@link Execution.Deterministic}
     */
    public boolean isDeterministic() {
        return execution instanceof Execution.Deterministic;
    }
}
