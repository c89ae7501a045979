package org.iommusim.persistence.iotlb;

import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;

/**
 * The fixed parameters of one TBU's TLB ({@link IotlbShard}).
 *
 * @param capacity     entries the main TLB holds
 * @param ways         entries per set: {@code capacity / ways} sets; {@code ways == capacity} is fully associative
 * @param policy       what a fill into a full set evicts
 * @param seed         initial state of the RANDOM policy's generator
 * @param microEntries entries of the fully associative micro-TLB in front of the main TLB; 0 for none
 * @param microPolicy  the micro-TLB's replacement policy
 */
public record IotlbConfig(int capacity, int ways, IotlbPolicy policy, long seed, int microEntries,
        IotlbPolicy microPolicy) {
    public IotlbConfig {
        if (capacity < 1) {
            throw new IllegalArgumentException("a TLB needs at least one entry, got " + capacity);
        }
        if (ways < 1 || ways > capacity || capacity % ways != 0) {
            throw new IllegalArgumentException("a TLB's ways must divide its entries (" + capacity + "), got " + ways);
        }
        if (policy == null || microPolicy == null) {
            throw new IllegalArgumentException("a TLB policy is required");
        }
        if (microEntries < 0) {
            throw new IllegalArgumentException("a micro-TLB has 0 or more entries, got " + microEntries);
        }
    }

    /** A fully associative TLB without a micro-TLB. */
    public IotlbConfig(int capacity, IotlbPolicy policy, long seed) {
        this(capacity, capacity, policy, seed, 0, IotlbPolicy.LRU);
    }

    public int sets() {
        return capacity / ways;
    }

    /** The micro-TLB's own parameters (fully associative, its seed derived from this one); null when there is none. */
    public IotlbConfig micro() {
        return microEntries == 0 ? null : new IotlbConfig(microEntries, microPolicy, SplitMix64.value(seed ^ MICRO_SEED));
    }

    private static final long MICRO_SEED = 0x6D6963726FL; // "micro"

    public static IotlbConfig of(TbuTlb t) {
        return new IotlbConfig(t.entries(), t.ways(), t.policy(), t.seed(), t.microEntries(), t.microPolicy());
    }

    /** The TLB of TBU {@code k} of the SMMU {@code caps} describes. */
    public static IotlbConfig ofTbu(SmmuCapabilities caps, int k) {
        return of(caps.tbu(k));
    }
}
