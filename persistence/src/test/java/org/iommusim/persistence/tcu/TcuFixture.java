package org.iommusim.persistence.tcu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.persistence.translate.ShardTranslator;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;

/** Tables, streams, an IOTLB and a TCU, driven as the SMMU drives them: TLBIs go to both. */
final class TcuFixture {
    static final DomainId S1 = DomainId.of(1);
    static final DomainId S2 = DomainId.of(2);
    static final DomainId NESTED = DomainId.of(3);
    static final int S1_SID = 1;
    static final int S2_SID = 2;
    static final int NESTED_SID = 3;
    static final int ASID = 5;
    static final int VMID = 9;

    final Map<DomainId, PageTable> tables = new HashMap<>();
    final Tcu tcu;
    final ShardTranslator translator;
    IotlbShard shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));
    ConfigCache config = ConfigCache.of(Map.of(
            S1_SID, new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(ASID, S1))),
            S2_SID, new StreamConfig(Ste.stage2(VMID, S2), Map.of()),
            NESTED_SID, new StreamConfig(Ste.nested(0, S1Dss.SSID0, VMID, S2), Map.of(0, Cd.of(ASID, NESTED)))));

    TcuFixture() {
        this(TcuCaches.defaults());
    }

    TcuFixture(TcuCaches caches) {
        tcu = new Tcu(caches);
        // the streams' memory holds what the configuration cache holds: a bounded one's misses read the same
        translator = new ShardTranslator(SmmuCapabilities.defaults(), tables::get, new ArrayList<>(), tcu,
                new org.iommusim.persistence.config.StreamMemoryView() {
                    @Override
                    public java.util.Optional<StreamConfig> stream(int sid) {
                        return java.util.Optional.ofNullable(config.streams().get(sid));
                    }

                    @Override
                    public java.util.SortedSet<Long> writtenSids(long first, long count) {
                        return new java.util.TreeSet<>();
                    }
                });
    }

    static TcuCaches withIpaCache() {
        return TcuCaches.defaults().withIpaCache(new CacheShape(16, 4));
    }

    static DomainSpec s1Spec() {
        return DomainSpec.stage1(Granule.G4K, 48, 48, ASID);
    }

    static DomainSpec s2Spec() {
        return DomainSpec.stage2(Granule.G4K, 48, 48, VMID);
    }

    static DomainSpec nestedSpec() {
        return DomainSpec.nested(S2, Granule.G4K, 48, 48, ASID);
    }

    void map(DomainId id, DomainSpec spec, long iova, long pa, long size) {
        PageTable t = tables.getOrDefault(id, PageTable.empty(spec));
        tables.put(id, t.map(iova, pa, size, Prot.of(Prot.READ | Prot.WRITE)).table());
    }

    void unmap(DomainId id, long iova, long size) {
        tables.put(id, tables.get(id).unmap(iova, size).table());
    }

    Outcome translate(int sid, long iova) {
        return translator.translate(TranslationRequest.of(sid, iova, Access.READ), config, shard);
    }

    /** What the SMMU does with a consumed TLBI: the TLB and the TCU both apply it. */
    int invalidate(TlbiCommand c) {
        shard.invalidate(c);
        return tcu.invalidate(c);
    }

    CacheStats stats(String name) {
        return tcu.stats().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
