package org.iommusim.persistence.replay;

import org.iommusim.persistence.iotlb.IotlbShard;

/**
 * A TBU's TLB (or an older journal's IOTLB shard) as replay rebuilt it. A
 * TBU's log starts with a {@code Configured} event naming its geometry; an
 * IOTLB shard's events do not record its configuration (capacity, policy,
 * seed), only a snapshot does. Replayed from
 * the start without one, the shard is given an unbounded capacity: every
 * eviction is named in the {@code Filled} event that caused it, so the
 * entries are still exactly the live ones, but capacity, policy and the
 * RANDOM generator state are unknown and {@code configKnown} is false.
 *
 * @param shard mutable: the folder applies events to it in place
 */
public record ReplayedIotlb(IotlbShard shard, boolean configKnown) {}
