package org.iommusim.persistence.replay;

import org.iommusim.persistence.tcu.Tcu;

/** An SMMU's TCU caches ({@code smmu-<n>/tcu}) as their log rebuilds them. */
public record ReplayedTcu(Tcu tcu) {}
