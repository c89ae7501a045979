package org.iommusim.actors.api;

import java.nio.file.Path;
import java.time.Duration;
import org.iommusim.actors.translate.TranslationPool;

/**
 * How to start a model: where its LevelDB journal lives (created with its
 * parents, refused clearly when locked), fsync, how many translation workers
 * each SMMU gets (default: available processors), the burst limit, and how
 * long a blocking call may wait.
 */
public record ModelOptions(Path dataDir, boolean fsync, int workersPerSmmu, int maxBurst, Duration callTimeout) {
    public ModelOptions {
        if (workersPerSmmu < 1 || workersPerSmmu > TranslationPool.MAX_WORKERS) {
            throw new IllegalArgumentException("workers per SMMU must be 1 to " + TranslationPool.MAX_WORKERS
                    + ", got " + workersPerSmmu);
        }
        if (maxBurst < 1) {
            throw new IllegalArgumentException("the burst limit must be at least 1, got " + maxBurst);
        }
    }

    public static ModelOptions at(Path dataDir) {
        int workers = Math.min(Runtime.getRuntime().availableProcessors(), TranslationPool.MAX_WORKERS);
        return new ModelOptions(dataDir, true, workers, 64, Duration.ofSeconds(30));
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
