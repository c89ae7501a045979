package org.iommusim.simulations.scenario;

import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;

/**
 * A domain to allocate at start, on SMMU {@code smmu}.
 *
 * @param invalidation how the driver invalidates this domain's unmaps; null: the driver's
 *                     {@code invalidation} (so one run can compare ways side by side)
 */
public record DomainDef(DomainId id, int smmu, DomainSpec spec, DriverDef.Invalidation invalidation) {

    /** A domain the driver invalidates its own way. */
    public DomainDef(DomainId id, int smmu, DomainSpec spec) {
        this(id, smmu, spec, null);
    }
}
