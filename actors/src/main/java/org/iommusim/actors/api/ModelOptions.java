package org.iommusim.actors.api;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to start a model: where its LevelDB journal lives (created with its
 * parents, refused clearly when locked), fsync, how many translation workers
 * each SMMU gets (default: available processors), the burst limit, and how
 * long a blocking call may wait.
 */
public record ModelOptions(Path dataDir, boolean fsync, int workersPerSmmu, int maxBurst, Duration callTimeout) {
    public static ModelOptions at(Path dataDir) {
        return new ModelOptions(dataDir, true, Runtime.getRuntime().availableProcessors(), 64, Duration.ofSeconds(30));
    }

    public ModelOptions withFsync(boolean on) {
        return new ModelOptions(dataDir, on, workersPerSmmu, maxBurst, callTimeout);
    }

    public ModelOptions withWorkers(int n) {
        return new ModelOptions(dataDir, fsync, n, maxBurst, callTimeout);
    }

    public ModelOptions withMaxBurst(int n) {
        return new ModelOptions(dataDir, fsync, workersPerSmmu, n, callTimeout);
    }
}
