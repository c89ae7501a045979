package org.iommusim.persistence.iotlb;

import java.util.List;
import org.iommusim.persistence.serialization.JournalSerializable;

/**
 * Everything an {@link IotlbShard} holds, as an immutable value: what the
 * snapshot store keeps (the shard itself is mutable, so it is never handed to
 * an asynchronous serializer). {@link IotlbShard#restore} rebuilds the shard
 * exactly, replacement order and generator state included.
 *
 * @param entries  in replacement order, next to evict first
 * @param rngState the RANDOM policy's generator state (kept for every policy, so a snapshot is always complete)
 * @param acksAhead the last {@link IotlbEvent.AcksAhead} marker applied said ahead
 */
public record IotlbSnapshot(IotlbConfig config, long rngState, List<IotlbEntry> entries, IotlbStats stats,
        boolean acksAhead) implements JournalSerializable {
    /** A TLB not marked as acknowledging ahead of its log ({@link IotlbEvent.AcksAhead}). */
    public IotlbSnapshot(IotlbConfig config, long rngState, List<IotlbEntry> entries, IotlbStats stats) {
        this(config, rngState, entries, stats, false);
    }

    public IotlbSnapshot {
        if (config == null || entries == null || stats == null) {
            throw new IllegalArgumentException("config, entries and stats are required");
        }
        entries = List.copyOf(entries);
        if (entries.size() > config.capacity()) {
            throw new IllegalArgumentException(entries.size() + " entries exceed the capacity " + config.capacity());
        }
    }
}
