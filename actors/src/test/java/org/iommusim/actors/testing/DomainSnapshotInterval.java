package org.iommusim.actors.testing;

import com.typesafe.config.ConfigFactory;
import java.util.function.Supplier;

/**
 * Runs a fixture writer with domain snapshots every {@code events} events
 * (the default, 10,000, takes none in a small fixture whose damage tests
 * need snapshots), through the system property the model's configuration
 * reads, and puts back whatever was there.
 */
public final class DomainSnapshotInterval {
    private static final String KEY = "iommu-sim.domain.snapshot-every";

    private DomainSnapshotInterval() {}

    public static <T> T every(int events, Supplier<T> body) {
        String before = System.getProperty(KEY);
        System.setProperty(KEY, Integer.toString(events));
        ConfigFactory.invalidateCaches();
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(KEY);
            } else {
                System.setProperty(KEY, before);
            }
            ConfigFactory.invalidateCaches();
        }
    }
}
