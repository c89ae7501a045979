package org.iommusim.actors.translate;

import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;

/**
 * Holds a TBU's TLB as its journal rebuilt it, and whether its log has named
 * the TLB's configuration yet (a {@link IotlbEvent.Configured} event, or a
 * snapshot, which always follows one). The TLB is mutable for speed; it is
 * never handed to the snapshot store as it is (the journal's snapshot adapter
 * takes an immutable {@code IotlbSnapshot}).
 */
final class ShardState {
    final IotlbShard shard;
    boolean configured;

    ShardState(IotlbShard shard, boolean configured) {
        this.shard = shard;
        this.configured = configured;
    }

    ShardState apply(IotlbEvent event) {
        shard.apply(event);
        if (event instanceof IotlbEvent.Configured) {
            configured = true;
        }
        return this;
    }
}
