package org.iommusim.persistence.iotlb;

import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.translate.Perms;

/** Short constructors for test entries: 4K granule unless named, PA = VA + 1G so translations are visible. */
final class Entries {
    static final long K4 = 1L << 12;
    static final long M2 = 1L << 21;
    static final long G1 = 1L << 30;
    static final Perms RW = new Perms(true, true, false, true);

    private Entries() {}

    static IotlbEntry s1(int vmid, int asid, long va) {
        return IotlbEntry.stage1(vmid, asid, va, Granule.G4K, 3, va + G1, RW);
    }

    static IotlbEntry s1Block(int vmid, int asid, long va) {
        return IotlbEntry.stage1(vmid, asid, va, Granule.G4K, 2, va + G1, RW);
    }

    static IotlbEntry s2(int vmid, long ipa) {
        return IotlbEntry.stage2(vmid, ipa, Granule.G4K, 3, ipa + G1, RW);
    }

    static IotlbEntry nested(int vmid, int asid, long va) {
        return IotlbEntry.nested(vmid, asid, va, K4, Granule.G4K, 3, va + G1, RW);
    }

    static IotlbShard shard(int capacity, IotlbPolicy policy) {
        return IotlbShard.empty(new IotlbConfig(capacity, policy, 42));
    }

    static IotlbShard filled(IotlbEntry... entries) {
        IotlbShard shard = shard(64, IotlbPolicy.LRU);
        for (IotlbEntry e : entries) {
            shard.fill(e);
        }
        return shard;
    }
}
