package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TcuCache}, the typed name of a TCU cache (issue Q point 4, kinds as enums): its labels are the
 * strings {@link TcuCacheStatistics#cache()} and {@link CachedWalk#cache()} give (which reports print and
 * keep), and a model's statistics and cached walks name theirs typed too.
 */
class TcuCacheTest {
    @Test
    void labelsStagesAndLevels() {
        assertEquals(List.of("walk-s1-l0", "walk-s1-l1", "walk-s1-l2", "walk-s1-l3", "walk-s2-l0", "walk-s2-l1",
                "walk-s2-l2", "walk-s2-l3", "ipa", "config"),
                Arrays.stream(TcuCache.values()).map(TcuCache::label).toList());
        for (TcuCache c : TcuCache.values()) {
            assertEquals(c, TcuCache.ofLabel(c.label()));
            if (c.isWalkCache()) {
                assertEquals(c, TcuCache.walk(c.stage(), c.level()));
            }
        }
        assertEquals(2, TcuCache.WALK_S2_L1.stage());
        assertEquals(1, TcuCache.WALK_S2_L1.level());
        assertFalse(TcuCache.IPA.isWalkCache());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TcuCache.ofLabel("walk-s3-l0")).getMessage()
                .contains("walk-s3-l0"));
        assertThrows(IllegalArgumentException.class, () -> TcuCache.walk(1, 4));
        assertThrows(IllegalArgumentException.class, () -> TcuCache.walk(0, 0));
        assertThrows(IllegalStateException.class,
                () -> new TcuCacheStatistics("nonesuch", 0, 0, 0, 0, 0, 0, 0, 0, 0).kind());
    }

    @Test
    void aModelsStatisticsAndCachedWalksNameTheirCachesTyped(@TempDir Path dir) {
        DomainId s1 = DomainId.of(4);
        long iova = 0x4000_0000L;
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(s1, DomainSpec.stage1(Granule.G4K, 48, 48, 6), smmu);
            sim.map(s1, MapBatch.single(iova, 0x5000_0000L, 0x2000, Prot.rw()));
            sim.writeCd(smmu, 8, 0, Cd.of(6, s1));
            sim.writeSte(smmu, 8, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(8, false), CmdSync.poll()));
            sim.translate(smmu, TranslationRequest.of(8, iova, Access.READ));
            sim.translate(smmu, TranslationRequest.of(8, iova + 0x1000, Access.READ)); // from the level-2 entry

            SmmuStatistics stats = sim.statistics(smmu);
            assertFalse(stats.tcu().isEmpty());
            for (TcuCacheStatistics c : stats.tcu()) {
                assertEquals(c.cache(), c.kind().label());
                assertEquals(stats.tcuCache(c.cache()), stats.tcuCache(c.kind()));
            }
            assertEquals(1, stats.tcuCache(TcuCache.WALK_S1_L2).orElseThrow().hits(), stats.tcu().toString());
            List<CachedWalk> walks = sim.cachedWalks(smmu);
            assertFalse(walks.isEmpty());
            for (CachedWalk w : walks) {
                assertEquals(w.cache(), w.cacheKind().label());
            }
            assertTrue(walks.stream().anyMatch(w -> w.cacheKind() == TcuCache.WALK_S1_L3), walks.toString());
        }
    }
}
