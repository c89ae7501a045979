package org.iommusim.actors.smmu;

import org.iommusim.persistence.config.ConfigCache;

/**
 * What one SMMU publishes for translation to read without messaging it: the
 * configuration cache in force. Replaced whole after each persisted change;
 * each published value is immutable.
 */
public final class SmmuViews {
    private volatile ConfigCache config = ConfigCache.EMPTY;

    public ConfigCache config() {
        return config;
    }

    void publish(ConfigCache c) {
        config = c;
    }
}
