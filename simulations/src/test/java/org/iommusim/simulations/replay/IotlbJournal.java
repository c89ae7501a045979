package org.iommusim.simulations.replay;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.replay.PekkoRecordWriter;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.translate.Perms;

/**
 * A hand-written IOTLB shard journal (the translation pool that will write
 * them is not built yet): a live {@link IotlbShard} of 3 entries, LRU,
 * decides every event, which is recorded in Pekko's layout; a snapshot is
 * taken after #5. Returns the live shard, to compare the replay with.
 *
 * <pre>
 *  #1 fill  stage-1 asid 5 va 0x1000        #5 invalidate TLBI_NH_ASID asid 5 (removes 1)   snapshot #5
 *  #2 fill  stage-1 asid 5 va 0x2000        #6 fill stage-1 asid 7 va 0x5000
 *  #3 fill  stage-2 vmid 9 ipa 0x40000000   #7 fill stage-1 asid 7 va 0x6000
 *  #4 fill  stage-1 asid 6 2M block,         #8 fill stage-1 asid 7 va 0x7000: evicts the stage-2 entry,
 *           evicting #1 (LRU)                  which a (never journaled) hit had made recent before #7
 *                                           #9 invalidate TLBI_S2_IPA vmid 9 ipa 0x40000000 (removes 0)
 *  (#7 evicts the 2M block)
 * </pre>
 */
final class IotlbJournal {
    static final String SHARD = "smmu-0/iotlb-1";
    static final IotlbConfig CONFIG = new IotlbConfig(3, IotlbPolicy.LRU, 42);

    private IotlbJournal() {}

    static IotlbShard write(Path dataDir) throws Exception {
        IotlbShard live = IotlbShard.empty(CONFIG);
        try (PekkoRecordWriter w = PekkoRecordWriter.create(dataDir, "iotlb-writer")) {
            Perms rw = new Perms(true, true, false, true);
            record(w, live.fill(IotlbEntry.stage1(0, 5, 0x1000, Granule.G4K, 3, 0x8_1000L, rw)));
            record(w, live.fill(IotlbEntry.stage1(0, 5, 0x2000, Granule.G4K, 3, 0x8_2000L, rw)));
            record(w, live.fill(IotlbEntry.stage2(9, 0x4000_0000L, Granule.G4K, 3, 0x9000_0000L,
                    new Perms(false, true, false, true))));
            record(w, live.fill(IotlbEntry.stage1(0, 6, 0x20_0000L, Granule.G4K, 2, 0x4000_0000L, rw)));
            record(w, List.of(live.invalidate(new TlbiNhAsid(0, 5))));
            PekkoRecordWriter.snapshot(dataDir, SHARD, 5, 1_700_000_000_000L, live.snapshot());
            live.lookupOrNull(9, IotlbEntry.NO_ASID, IotlbEntry.Kind.STAGE2, 0x4000_0000L);
            record(w, live.fill(IotlbEntry.stage1(0, 7, 0x5000, Granule.G4K, 3, 0x8_5000L, rw)));
            record(w, live.fill(IotlbEntry.stage1(0, 7, 0x6000, Granule.G4K, 3, 0x8_6000L, rw)));
            record(w, live.fill(IotlbEntry.stage1(0, 7, 0x7000, Granule.G4K, 3, 0x8_7000L, rw)));
            record(w, List.of(live.invalidate(TlbiS2Ipa.of(9, 0x4000_0000L, true))));
        }
        return live;
    }

    private static void record(PekkoRecordWriter w, List<? extends IotlbEvent> events) {
        for (IotlbEvent e : events) {
            w.append(SHARD, e, 1_700_000_000_000L);
        }
    }
}
