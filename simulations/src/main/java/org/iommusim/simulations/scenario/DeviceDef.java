package org.iommusim.simulations.scenario;

/**
 * A device issuing DMA on stream {@code sid} of SMMU {@code smmu}.
 *
 * @param weight     its share of operations: it runs {@code weight} times as fast as a weight-1 device of the
 *                   same pace (deterministic mode)
 * @param intervalNs the device's pace: the mean virtual time from the start of one of its operations to the
 *                   start of the next (a packet rate, an I/O rate); 0 when the scenario leaves it out, and the
 *                   next operation then starts 50 to 250 ns after the previous one ends
 * @param untrusted  always strict, whatever the driver's strategy (Linux: an external-facing PCI device)
 * @param stray      its late DMAs into buffers already unmapped
 */
public record DeviceDef(String name, int smmu, int sid, int weight, Workload workload, long intervalNs,
        boolean untrusted, Stray stray) {
    public DeviceDef {
        if (intervalNs < 0) {
            throw new IllegalArgumentException("a device's interval is 0 (none) or positive, got " + intervalNs);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("a device's weight is at least 1, got " + weight);
        }
        if (stray == null) {
            throw new IllegalArgumentException("stray settings are required (Stray.defaults())");
        }
    }

    /** A trusted device with the default late DMAs. */
    public DeviceDef(String name, int smmu, int sid, int weight, Workload workload, long intervalNs) {
        this(name, smmu, sid, weight, workload, intervalNs, false, Stray.defaults());
    }

    /** A device without a pace of its own. */
    public DeviceDef(String name, int smmu, int sid, int weight, Workload workload) {
        this(name, smmu, sid, weight, workload, 0);
    }

    /**
     * Late ("stray") DMA: a device slow to stop writing into a buffer after the driver unmapped it.
     *
     * @param probability per operation, the chance of one late DMA
     * @param reachUnmaps how far back it reaches, in the device's own unmap calls; 0 means the driver's
     *                    {@code flush-queue} (so a whole lazy window can be exposed)
     * @param reachNs     if positive, how far back in virtual time instead
     */
    public record Stray(double probability, int reachUnmaps, long reachNs) {
        public static final double DEFAULT_PROBABILITY = 0.05;

        public Stray {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("stray probability is within 0..1, got " + probability);
            }
            if (reachUnmaps < 0 || reachNs < 0) {
                throw new IllegalArgumentException("stray reach must not be negative: " + reachUnmaps + " unmaps, "
                        + reachNs + " ns");
            }
        }

        /** 5% of operations, reaching back as far as the driver's flush queue holds. */
        public static Stray defaults() {
            return new Stray(DEFAULT_PROBABILITY, 0, 0);
        }
    }
}
