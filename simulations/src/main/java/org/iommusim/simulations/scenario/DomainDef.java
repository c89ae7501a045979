package org.iommusim.simulations.scenario;

import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;

/** A domain to allocate at start, on SMMU {@code smmu}. */
public record DomainDef(DomainId id, int smmu, DomainSpec spec) {}
