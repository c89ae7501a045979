package org.iommusim.persistence.replay;

import org.iommusim.persistence.tcu.Tcu;

/**
 * An SMMU's TCU caches ({@code smmu-<n>/tcu}) as their log rebuilds them,
 * with the entry the last event applied displaced (null: none), so that a
 * timeline can name each fill's eviction.
 */
public record ReplayedTcu(Tcu tcu, Object displaced) {
    public ReplayedTcu(Tcu tcu) {
        this(tcu, null);
    }
}
