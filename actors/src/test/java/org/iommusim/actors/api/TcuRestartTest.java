package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.iommusim.persistence.tcu.TcuEvent;
import org.iommusim.persistence.tcu.TcuInvalidation;
import org.iommusim.persistence.tcu.TcuSnapshot;
import org.iommusim.persistence.tcu.WalkEntry;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.Translated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCU's walk caches on the LevelDB JNI journal ({@code smmu-<n>/tcu}):
 * fills written behind, invalidations persisted before the CMD_SYNC that
 * follows them completes, and after a restart the caches are rebuilt from
 * their own log, exactly (every entry in its slot), without what a TLBI
 * removed before the stop; a restart with other cache shapes starts them
 * empty.
 */
class TcuRestartTest {
    private static final DomainId D = DomainId.of(1);
    // (the level-2 table entry for the invalidated VA may already have been evicted: 8 tables, 8 entries 2-way)
    private static final long IOVA = 0x4000_0000L;
    private static final long PA = 0x8_0000_0000L;
    private static final int ASID = 5;
    /** Small caches, so that fills evict. */
    private static final SmmuCapabilities CAPS = SmmuCapabilities.builder().iotlbEntries(4)
            .tcu(TcuCaches.defaults().withWalk(1, List.of(new CacheShape(4, 2), new CacheShape(4, 2),
                    new CacheShape(8, 2), new CacheShape(8, 2))))
            .build();

    private static Set<TcuEvent> slots(TcuSnapshot s) {
        return new HashSet<>(s.fills());
    }

    @Test
    void theWalkCachesAreRebuiltFromTheirOwnLogAfterARestart(@TempDir Path dir) {
        TcuSnapshot before;
        TlbiNhVa tlbi = new TlbiNhVa(0, ASID, IOVA + 0x20_0000L, false, TlbiRange.NONE);
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, ASID), smmu);
            List<org.iommusim.protocol.domain.MapSegment> pages = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                for (int p = 0; p < 4; p++) {
                    pages.add(new org.iommusim.protocol.domain.MapSegment(IOVA + t * 0x20_0000L + p * 0x1000L,
                            PA + t * 0x10_0000L + p * 0x1000L, 0x1000, Prot.rw()));
                }
            }
            sim.map(D, new MapBatch(pages));
            sim.writeCd(smmu, 1, 0, Cd.of(ASID, D));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            for (var seg : pages) {
                assertEquals(seg.pa(), ((Translated) sim.translate(smmu,
                        TranslationRequest.of(1, seg.iova(), Access.READ))).outputAddress());
            }
            // LEAF=0: the level-2 entry for the second level-3 table goes too
            sim.submitAndWait(smmu, List.of(tlbi, CmdSync.poll()));
            before = smmu.handles.tcu().snapshot();
            SmmuStatistics s = sim.statistics(smmu);
            assertTrue(s.tcuCache("walk-s1-l3").orElseThrow().evictions() > 0, s.tcu().toString());
            // LEAF=0 by VA: the table entries of every level on the way to that VA (levels 0 and 1 here) go
            assertTrue(s.tcuCache("walk-s1-l0").orElseThrow().invalidations() > 0, s.tcu().toString());
        }
        assertFalse(before.fills().isEmpty());
        for (TcuEvent e : before.fills()) {
            if (e instanceof TcuEvent.WalkFilled w) {
                assertFalse(TcuInvalidation.removes(tlbi, w.stage(), w.level(), w.entry()), "removed before the stop: " + w);
            }
        }
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            TcuSnapshot after = smmu.handles.tcu().snapshot();
            assertEquals(slots(before), slots(after), "every entry back in its slot");
            assertEquals(before.stats().stream().map(c -> c.size()).toList(),
                    after.stats().stream().map(c -> c.size()).toList());
            // the level-2 entry still names its level-3 table: the next miss in that table reads one descriptor
            SmmuStatistics s0 = sim.statistics(smmu);
            long l2Hits = s0.tcuCache("walk-s1-l2").orElseThrow().hits();
            WalkEntry l2 = before.fills().stream().filter(e -> e instanceof TcuEvent.WalkFilled w && w.level() == 2)
                    .map(e -> ((TcuEvent.WalkFilled) e).entry()).findFirst().orElseThrow();
            long iova = l2.base() + 0x3000;
            assertEquals(PA + (iova - IOVA) / 0x20_0000L * 0x10_0000L + 0x3000, ((Translated) sim.translate(smmu,
                    TranslationRequest.of(1, iova, Access.READ))).outputAddress());
            SmmuStatistics s1 = sim.statistics(smmu);
            assertTrue(s1.tcuCache("walk-s1-l2").orElseThrow().hits() > l2Hits
                    || s1.tcuCache("walk-s1-l3").orElseThrow().hits() > s0.tcuCache("walk-s1-l3").orElseThrow().hits(),
                    "a rebuilt entry answered: " + s1.tcu());
            assertEquals(0, s1.tcu().stream().mapToLong(TcuCacheStatistics::freedTableReads).sum());
        }
        // other shapes: a new configuration in the log, and empty caches
        SmmuCapabilities other = SmmuCapabilities.builder().iotlbEntries(4).build();
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, other);
            assertTrue(smmu.handles.tcu().snapshot().fills().isEmpty(), "capabilities with other TCU shapes start empty");
        }
    }
}
