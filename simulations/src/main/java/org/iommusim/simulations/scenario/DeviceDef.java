package org.iommusim.simulations.scenario;

/**
 * A device issuing DMA on stream {@code sid} of SMMU {@code smmu}; {@code weight} sets its share of operations.
 *
 * @param intervalNs the device's pace: the mean virtual time from the start of one of its operations to the
 *                   start of the next (a packet rate, an I/O rate); 0 when the scenario leaves it out, and the
 *                   next operation then starts 50 to 250 ns after the previous one ends
 */
public record DeviceDef(String name, int smmu, int sid, int weight, Workload workload, long intervalNs) {
    public DeviceDef {
        if (intervalNs < 0) {
            throw new IllegalArgumentException("a device's interval is 0 (none) or positive, got " + intervalNs);
        }
    }

    /** A device without a pace of its own. */
    public DeviceDef(String name, int smmu, int sid, int weight, Workload workload) {
        this(name, smmu, sid, weight, workload, 0);
    }
}
