package org.iommusim.simulations.bench;

import java.util.ArrayList;
import java.util.Map;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.translate.DomainLookup;
import org.iommusim.persistence.translate.ShardTranslator;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;

/**
 * The translation benchmarks' model without actors: stream 1 in stage 1 over
 * one 1 GiB block at {@code iova}, its configuration in force and tables that
 * never change, for the pool's own per-request code to run against.
 */
record HitPathFixture(ConfigCache config, DomainLookup domains) {

    static HitPathFixture stage1Block(long iova, long pa) {
        DomainId d = DomainId.of(1);
        PageTable table = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1)).map(iova, pa, 1L << 30, Prot.rw())
                .table();
        DomainLookup domains = new DomainLookup() {
            @Override
            public PageTable table(DomainId id) {
                return id.equals(d) ? table : null;
            }

            @Override
            public long version() {
                return 0; // the tables never change here
            }
        };
        ConfigCache config = ConfigCache.of(Map.of(1, new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(1, d)))));
        return new HitPathFixture(config, domains);
    }

    /** What one worker runs, with its own write-behind list. */
    ShardTranslator translator() {
        return new ShardTranslator(SmmuCapabilities.defaults(), domains, new ArrayList<>());
    }
}
