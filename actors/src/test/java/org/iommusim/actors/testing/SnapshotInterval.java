package org.iommusim.actors.testing;

import com.typesafe.config.ConfigFactory;
import java.util.function.Supplier;

/**
 * Runs a body with an entity kind's snapshots every {@code events} events
 * (the default, 10,000, takes none in a small fixture or test that needs
 * snapshots), through the system property the model's configuration reads,
 * and puts back whatever was there.
 */
public final class SnapshotInterval {
    private SnapshotInterval() {}

    /** Domains ({@code iommu-sim.domain.snapshot-every}). */
    public static <T> T domains(int events, Supplier<T> body) {
        return every("iommu-sim.domain.snapshot-every", events, body);
    }

    /** SMMU entities ({@code iommu-sim.smmu.snapshot-every}). */
    public static <T> T smmus(int events, Supplier<T> body) {
        return every("iommu-sim.smmu.snapshot-every", events, body);
    }

    private static <T> T every(String key, int events, Supplier<T> body) {
        String before = System.getProperty(key);
        System.setProperty(key, Integer.toString(events));
        ConfigFactory.invalidateCaches();
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
            ConfigFactory.invalidateCaches();
        }
    }
}
