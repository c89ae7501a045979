package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
import org.iommusim.protocol.translate.DescriptorRead;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.WalkDetail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TranslationDetail#walk()} (issue Q point 3), on the LevelDB journal with the default (gem5) walk
 * caches: a cold 4-level stage-1 walk lists its 4 descriptors from the root down; a walk that a level-2
 * walk-cache entry starts lists only the level-3 read and names level 2; a nested walk lists the stage-2
 * reads that translate each stage-1 descriptor's IPA, the stage-1 descriptors with their IPAs in the
 * CD's table pool, and the stage-2 walk of the output IPA; a TLB hit lists nothing.
 */
class WalkDetailTest {
    private static final DomainId S1 = DomainId.of(4);
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final long IOVA = 0x4000_0000L; // level-0 index 0, level-1 index 1, level-2 index 0, level-3 index 0
    private static final long CDS = 0x3000_0000L;
    private static final long TABLES = 0x2000_0000L;

    @Test
    void aStage1WalkListsItsDescriptorsAndTheWalkCacheLevelItStartedFrom(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 6), smmu);
            sim.map(S1, MapBatch.single(IOVA, 0x5000_0000L, 0x2000, Prot.rw()));
            sim.writeCd(smmu, 8, 0, Cd.of(6, S1));
            sim.writeSte(smmu, 8, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(8, false), CmdSync.poll()));

            TranslationDetail cold = sim.translateDetailed(smmu, TranslationRequest.of(8, IOVA, Access.READ));
            assertEquals(TranslationPath.TLB_MISS, cold.path());
            WalkDetail w = cold.walk();
            assertEquals(-1, w.stage1WalkCacheHitLevel(), "cold walk caches: the walk starts at the root");
            List<DescriptorRead> d = w.descriptors();
            assertEquals(4, d.size(), d.toString());
            assertEquals(cold.descriptorReads(), d.size(), "as many descriptors as the count");
            for (int level = 0; level < 4; level++) {
                assertEquals(1, d.get(level).stage());
                assertEquals(level, d.get(level).level());
                assertFalse(d.get(level).hasAddress(), "a stage-1 stream's tables have no address in the model");
            }
            assertEquals(0, d.get(0).tableId(), "the root table page");
            assertEquals(List.of(0, 1, 0, 0), d.stream().map(DescriptorRead::index).toList());
            assertEquals(4, d.stream().map(DescriptorRead::tableId).distinct().count(), "one table page per level");

            // the next page: the level-2 walk-cache entry (a table descriptor) sends the walk to the level-3 page
            TranslationDetail warm = sim.translateDetailed(smmu, TranslationRequest.of(8, IOVA + 0x1000, Access.READ));
            assertEquals(TranslationPath.TLB_MISS, warm.path());
            assertEquals(2, warm.walk().stage1WalkCacheHitLevel());
            assertEquals(1, warm.descriptorReads());
            DescriptorRead leaf = warm.walk().descriptors().get(0);
            assertEquals(List.of(leaf), warm.walk().descriptors());
            assertEquals(3, leaf.level());
            assertEquals(d.get(3).tableId(), leaf.tableId(), "the same level-3 table page");
            assertEquals(1, leaf.index());

            // a TLB hit walks nothing
            TranslationDetail hit = sim.translateDetailed(smmu, TranslationRequest.of(8, IOVA, Access.READ));
            assertEquals(TranslationPath.TLB_HIT, hit.path());
            assertEquals(WalkDetail.NONE, hit.walk());
        }
    }

    @Test
    void aNestedWalkListsTheStage2ReadsOfEachStage1Descriptor(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
            sim.allocateDomain(NESTED, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), smmu);
            sim.map(NESTED, MapBatch.single(IOVA, 0x1_0000_0000L, 0x1000, Prot.rw()));
            sim.map(S2, MapBatch.single(0x1_0000_0000L, 0x8_0000_0000L, 0x1000, Prot.rw()));
            sim.map(S2, MapBatch.single(CDS, 0x9000_0000L, 0x1000, Prot.of(Prot.READ)));
            sim.map(S2, MapBatch.single(TABLES, 0x9100_0000L, 0x4000, Prot.of(Prot.READ)));
            sim.writeCd(smmu, 7, 0, Cd.of(5, NESTED).withTtb0(TABLES));
            sim.writeSte(smmu, 7, Ste.nested(0, S1Dss.SSID0, 9, S2).withS1ContextPtr(CDS));
            sim.submitAndWait(smmu, List.of(new CfgiSte(7, false), CmdSync.poll()));

            TranslationDetail miss = sim.translateDetailed(smmu, TranslationRequest.of(7, IOVA + 0x10, Access.READ));
            assertEquals(TranslationPath.TLB_MISS, miss.path());
            assertTrue(miss.translated(), miss.toString());
            List<DescriptorRead> d = miss.walk().descriptors();
            assertEquals(miss.descriptorReads(), d.size(), "as many descriptors as the count: " + d);
            List<DescriptorRead> s1 = miss.walk().descriptors(1);
            assertEquals(4, s1.size(), "a cold 4-level stage-1 walk: " + d);
            // the reads before the first stage-1 descriptor translate its IPA: one stage-2 walk, levels down to 3
            int s2Depth = d.indexOf(s1.get(0));
            assertTrue(s2Depth >= 3, "a stage-2 walk of 3 or 4 levels before the first stage-1 read: " + d);
            for (int k = 0; k < 4; k++) {
                int at = k * (s2Depth + 1);
                for (int j = 0; j < s2Depth; j++) {
                    DescriptorRead r = d.get(at + j);
                    assertEquals(2, r.stage(), "stage-2 read " + j + " for stage-1 level " + k + ": " + d);
                    assertEquals(4 - s2Depth + j, r.level());
                    assertNotEquals(-1, r.tableId(), "the stage-1 table page's IPA is mapped in stage 2: " + r);
                    assertFalse(r.hasAddress());
                }
                DescriptorRead t = d.get(at + s2Depth);
                assertEquals(s1.get(k), t);
                assertEquals(k, t.level());
                // the CD gives TTB0: table page k at TTB0 + k * 4K, a descriptor at 8 * its index
                assertEquals(TABLES + t.tableId() * 0x1000 + t.index() * 8L, t.address(), t.toString());
            }
            assertEquals(TABLES, s1.get(0).address(), "index 0 of the root table page, at TTB0");
            // then the stage-2 walk of the output IPA, through the cold stage-2 walk caches
            List<DescriptorRead> tail = d.subList(4 * (s2Depth + 1), d.size());
            assertEquals(s2Depth, tail.size(), "the stage-2 walk of the output IPA: " + tail);
            assertTrue(tail.stream().allMatch(r -> r.stage() == 2 && r.tableId() != -1), tail.toString());
            assertEquals(3, tail.get(tail.size() - 1).level());
            assertEquals(-1, miss.walk().stage1WalkCacheHitLevel());
            assertFalse(miss.walk().ipaCacheHit());
            assertEquals(s1.size() + miss.walk().descriptors(2).size(), d.size());
        }
    }
}
