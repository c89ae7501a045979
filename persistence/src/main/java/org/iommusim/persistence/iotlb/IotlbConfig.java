package org.iommusim.persistence.iotlb;

import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;

/**
 * The fixed parameters of one IOTLB shard.
 *
 * @param capacity entries the shard can hold
 * @param policy   what a fill into a full shard evicts
 * @param seed     initial state of the RANDOM policy's generator
 */
public record IotlbConfig(int capacity, IotlbPolicy policy, long seed) {
    public IotlbConfig {
        if (capacity < 1) {
            throw new IllegalArgumentException("an IOTLB shard needs at least one entry, got " + capacity);
        }
        if (policy == null) {
            throw new IllegalArgumentException("an IOTLB policy is required");
        }
    }

    /**
     * Shard {@code index} of {@code shards} of the SMMU's IOTLB: the entries
     * split as evenly as possible (the first shards take the remainder, and each
     * has at least one) and a per-shard seed, so two shards do not evict in step.
     */
    public static IotlbConfig shardOf(SmmuCapabilities caps, int index, int shards) {
        if (shards < 1 || index < 0 || index >= shards) {
            throw new IllegalArgumentException("shard " + index + " of " + shards);
        }
        int capacity = caps.iotlbEntries() / shards + (index < caps.iotlbEntries() % shards ? 1 : 0);
        return new IotlbConfig(Math.max(1, capacity), caps.iotlbPolicy(), SplitMix64.value(caps.iotlbSeed() + index));
    }
}
