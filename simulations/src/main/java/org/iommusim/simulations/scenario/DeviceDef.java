package org.iommusim.simulations.scenario;

/** A device issuing DMA on stream {@code sid} of SMMU {@code smmu}; {@code weight} sets its share of operations. */
public record DeviceDef(String name, int smmu, int sid, int weight, Workload workload) {}
