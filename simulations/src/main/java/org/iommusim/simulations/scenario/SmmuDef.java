package org.iommusim.simulations.scenario;

import org.iommusim.protocol.capability.SmmuCapabilities;

/** One SMMU of the scenario: {@code smmu-<id>} with these capabilities (IOTLB size and policy included). */
public record SmmuDef(int id, SmmuCapabilities caps) {}
