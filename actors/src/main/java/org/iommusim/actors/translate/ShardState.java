package org.iommusim.actors.translate;

import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;

/**
 * Holds a worker's live IOTLB shard. The shard is mutable for speed; it is
 * never handed to the snapshot store as it is (see the worker's snapshot
 * adapter, which takes an immutable {@code IotlbSnapshot}).
 */
final class ShardState {
    final IotlbShard shard;

    ShardState(IotlbShard shard) {
        this.shard = shard;
    }

    ShardState apply(IotlbEvent event) {
        shard.apply(event);
        return this;
    }
}
