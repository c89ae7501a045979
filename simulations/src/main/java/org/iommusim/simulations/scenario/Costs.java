package org.iommusim.simulations.scenario;

/**
 * Virtual-time costs of the model's steps, in nanoseconds: an IOTLB hit, the
 * fixed part of a miss, each table descriptor read by a walk, each command
 * the SMMU consumes, the completion of a CMD_SYNC, and a driver's map or
 * unmap call. Defaults follow the reference's measured figures (a miss costs
 * about 280 ns on Broadwell VT-d).
 */
public record Costs(long hitNs, long missNs, long walkStepNs, long commandNs, long syncNs, long mapNs) {
    public static Costs defaults() {
        return new Costs(10, 60, 55, 40, 500, 300);
    }
}
