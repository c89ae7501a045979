package org.iommusim.persistence.replay;

import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.iotlb.IotlbSnapshot;
import org.iommusim.protocol.capability.IotlbPolicy;

/**
 * Rebuilds a TBU's TLB ({@code smmu-<n>/tbu-<k>}) or an IOTLB shard of an
 * older journal ({@code smmu-<n>/iotlb-<k>}) with
 * {@link IotlbShard#restore} and {@link IotlbShard#apply}; see
 * {@link ReplayedIotlb} for what is known without a snapshot.
 */
public final class IotlbFolder implements StateFolder<ReplayedIotlb> {
    /**
     * FIFO, not LRU or RANDOM: with victims named by the events, FIFO is the
     * policy whose apply path depends on nothing but the events.
     */
    static final IotlbConfig UNKNOWN = new IotlbConfig(Integer.MAX_VALUE, IotlbPolicy.FIFO, 0);

    @Override
    public ReplayedIotlb initial() {
        return new ReplayedIotlb(IotlbShard.empty(UNKNOWN), false);
    }

    @Override
    public ReplayedIotlb restore(Object snapshot, String where) {
        if (snapshot instanceof IotlbSnapshot s) {
            return new ReplayedIotlb(IotlbShard.restore(s), true);
        }
        throw new JournalReadException(where + " is not an IOTLB snapshot: " + snapshot.getClass().getSimpleName());
    }

    @Override
    public ReplayedIotlb apply(ReplayedIotlb state, Object event) {
        if (!(event instanceof IotlbEvent e)) {
            throw new WrongKind("an IOTLB", event);
        }
        state.shard().apply(e);
        // a TBU's log says its geometry itself; an IOTLB shard's (before TBUs) only in snapshots
        return e instanceof IotlbEvent.Configured && !state.configKnown() ? new ReplayedIotlb(state.shard(), true) : state;
    }
}
