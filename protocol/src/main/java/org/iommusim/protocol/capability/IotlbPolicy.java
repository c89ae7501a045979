package org.iommusim.protocol.capability;

/** How a full IOTLB shard chooses what to forget. */
public enum IotlbPolicy {
    /** Least recently used: a hit refreshes the entry. */
    LRU,
    /** First in, first out: a hit does not refresh the entry. */
    FIFO,
    /** Seeded, so a deterministic run stays deterministic. */
    RANDOM,
    /** QEMU's behaviour: a full IOTLB is emptied before the next fill. */
    FLUSH_ALL_WHEN_FULL
}
