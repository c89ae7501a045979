package org.iommusim.actors.api;

import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.translate.TranslationWorker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.iommusim.persistence.tcu.ConfigEntry;
import org.iommusim.persistence.tcu.TcuEvent;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.Translated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCU's bounded configuration cache through the facade, on the LevelDB
 * journal in deterministic mode: translations miss and fill it, a stream
 * evicts another's STE, an STE rewritten without CFGI_STE is seen old while
 * cached and new once evicted, CFGI_STE + CMD_SYNC removes it; after a restart
 * the cache is rebuilt exactly; unbounded (the default) nothing is evicted.
 */
class ConfigCacheTest {
    private static final long IOVA = 0x4000_0000L;
    private static final long PA_A = 0x8_0000_0000L;
    private static final long PA_B = 0x9_0000_0000L;

    private static SmmuCapabilities caps(CacheShape config) {
        return SmmuCapabilities.builder().iotlbEntries(16).tcu(TcuCaches.defaults().withConfigCache(config)).build();
    }

    private static IommuSim start(Path dir, int workers) {
        return IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic().withWorkers(workers));
    }

    /** Two stage-2 streams: sid 1 on domain 1 (VMID 1, IOVA -> PA_A), sid 2 on domain 2 (VMID 2, IOVA -> PA_B). */
    private static Smmu twoStreams(IommuSim sim, SmmuCapabilities caps) {
        Smmu smmu = sim.addSmmu(0, caps);
        sim.allocateDomain(DomainId.of(1), DomainSpec.stage2(Granule.G4K, 48, 48, 1), smmu);
        sim.allocateDomain(DomainId.of(2), DomainSpec.stage2(Granule.G4K, 48, 48, 2), smmu);
        sim.map(DomainId.of(1), new MapBatch(List.of(new MapSegment(IOVA, PA_A, 0x1000, Prot.rw()))));
        sim.map(DomainId.of(2), new MapBatch(List.of(new MapSegment(IOVA, PA_B, 0x1000, Prot.rw()))));
        sim.writeSte(smmu, 1, Ste.stage2(1, DomainId.of(1)));
        sim.writeSte(smmu, 2, Ste.stage2(2, DomainId.of(2)));
        sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), new CfgiSte(2, false), CmdSync.poll()));
        return smmu;
    }

    private static long out(IommuSim sim, Smmu smmu, int sid) {
        return ((Translated) sim.translate(smmu, TranslationRequest.of(sid, IOVA, Access.READ))).outputAddress();
    }

    private static TcuCacheStatistics config(IommuSim sim, Smmu smmu) {
        return sim.statistics(smmu).tcuCache("config").orElseThrow();
    }

    @Test
    void aOneEntryCacheMissesAndEvictsAndAStaleSteFlipsOnceEvicted(@TempDir Path dir) {
        try (IommuSim sim = start(dir, 2)) {
            Smmu smmu = twoStreams(sim, caps(new CacheShape(1, 1)));
            TcuCacheStatistics s = config(sim, smmu);
            assertEquals(1, s.capacity());
            assertEquals(0, s.lookups(), "a CFGI loads nothing: the cache fills on demand");
            assertEquals(0, s.invalidations(), "the CFGIs found nothing to remove");
            assertEquals(PA_A, out(sim, smmu, 1));
            assertEquals(PA_A, out(sim, smmu, 1));
            s = config(sim, smmu);
            assertEquals(2, s.lookups());
            assertEquals(1, s.misses());
            assertEquals(1, s.hits());
            assertEquals(1, s.fills());
            // software rewrites sid 1's STE to BYPASS and sends no CFGI_STE
            sim.writeSte(smmu, 1, Ste.bypass());
            assertEquals(PA_A, out(sim, smmu, 1), "the old STE stays in force while it is cached");
            assertEquals(Ste.stage2(1, DomainId.of(1)), sim.steInForce(smmu, 1));
            assertEquals(PA_B, out(sim, smmu, 2)); // fills the one entry with sid 2's STE: sid 1's is evicted
            assertEquals(1, config(sim, smmu).evictions());
            assertEquals(Ste.bypass(), sim.steInForce(smmu, 1), "not cached: what a miss would read");
            assertEquals(IOVA, out(sim, smmu, 1), "evicted: the next translation reads the new STE (BYPASS)");
            assertEquals(2, config(sim, smmu).evictions());
            // now the STE goes back, again without CFGI: the cached BYPASS stays until CFGI_STE + CMD_SYNC
            sim.writeSte(smmu, 1, Ste.stage2(1, DomainId.of(1)));
            assertEquals(IOVA, out(sim, smmu, 1));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, true), CmdSync.poll()));
            s = config(sim, smmu);
            assertEquals(1, s.invalidations(), "the CFGI_STE removed the cached STE before its CMD_SYNC completed");
            assertEquals(0, s.size());
            assertEquals(PA_A, out(sim, smmu, 1));
            s = config(sim, smmu);
            assertEquals(7, s.lookups());
            assertEquals(3, s.hits());
            assertEquals(4, s.misses());
            assertEquals(4, s.fills());
        }
    }

    @Test
    void unboundedByDefaultEveryStreamStaysCachedAndAStaleSteNeverFlips(@TempDir Path dir) {
        try (IommuSim sim = start(dir, 1)) {
            Smmu smmu = twoStreams(sim, SmmuCapabilities.builder().iotlbEntries(16).build());
            assertEquals(PA_A, out(sim, smmu, 1));
            sim.writeSte(smmu, 1, Ste.bypass());
            for (int i = 0; i < 3; i++) {
                assertEquals(PA_B, out(sim, smmu, 2));
                assertEquals(PA_A, out(sim, smmu, 1), "the configuration cache never evicts: the old STE stays");
            }
            assertTrue(sim.statistics(smmu).tcuCache("config").isEmpty(), "no bounded configuration cache counted");
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, true), CmdSync.poll()));
            assertEquals(IOVA, out(sim, smmu, 1), "CFGI_STE loaded the new STE");
        }
    }

    private static Set<ConfigEntry> entries(Smmu smmu) {
        Set<ConfigEntry> out = new HashSet<>();
        for (TcuEvent e : smmu.handles.tcu().snapshot().fills()) {
            if (e instanceof TcuEvent.ConfigFilled f) {
                out.add(f.entry());
            }
        }
        return out;
    }

    private static Set<TcuEvent> configSlots(Smmu smmu) {
        Set<TcuEvent> out = new HashSet<>();
        for (TcuEvent e : smmu.handles.tcu().snapshot().fills()) {
            if (e instanceof TcuEvent.ConfigFilled) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void aRestartRebuildsTheCacheExactlyAndAStaleSteStaysInForce(@TempDir Path dir) {
        SmmuCapabilities caps = caps(new CacheShape(2, 2));
        Set<TcuEvent> before;
        TcuCacheStatistics statsBefore;
        try (IommuSim sim = start(dir, 2)) {
            Smmu smmu = twoStreams(sim, caps);
            assertEquals(PA_A, out(sim, smmu, 1));
            assertEquals(PA_B, out(sim, smmu, 2));
            sim.writeSte(smmu, 1, Ste.bypass()); // no CFGI: sid 1's old STE is what the cache holds
            assertEquals(PA_A, out(sim, smmu, 1));
            before = configSlots(smmu);
            statsBefore = config(sim, smmu);
            assertEquals(2, before.size());
        }
        try (IommuSim sim = start(dir, 1)) {
            Smmu smmu = sim.addSmmu(0, caps);
            assertEquals(before, configSlots(smmu), "every entry back in its slot");
            assertTrue(entries(smmu).contains(ConfigEntry.ofSte(1, Ste.stage2(1, DomainId.of(1)))));
            TcuCacheStatistics after = config(sim, smmu);
            assertEquals(statsBefore.fills(), after.fills());
            assertEquals(statsBefore.size(), after.size());
            assertEquals(PA_A, out(sim, smmu, 1), "the rebuilt cache still holds the STE the memory no longer has");
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            assertEquals(IOVA, out(sim, smmu, 1), "after CFGI_STE the new STE (BYPASS) is read");
            assertFalse(entries(smmu).contains(ConfigEntry.ofSte(1, Ste.stage2(1, DomainId.of(1)))));
        }
    }

    @Test
    void aTracedTranslationCountsTheStesAndCdsItReadFromTheStreamTable(@TempDir Path dir) {
        try (IommuSim sim = start(dir, 1)) {
            Smmu smmu = twoStreams(sim, caps(new CacheShape(4, 4)));
            sim.allocateDomain(DomainId.of(3), DomainSpec.stage1(Granule.G4K, 48, 48, 7), smmu);
            sim.map(DomainId.of(3), new MapBatch(List.of(new MapSegment(IOVA, PA_A, 0x1000, Prot.rw()))));
            sim.writeCd(smmu, 3, 0, org.iommusim.protocol.config.Cd.of(7, DomainId.of(3)));
            sim.writeSte(smmu, 3, Ste.stage1(0, org.iommusim.protocol.config.S1Dss.SSID0));
            var first = ModelInternals.translateTraced(sim, smmu, TranslationRequest.of(3, IOVA, Access.READ));
            assertEquals(2, first.configReads(), "a stage-1 stream's first translation reads its STE and its CD");
            var again = ModelInternals.translateTraced(sim, smmu, TranslationRequest.of(3, IOVA, Access.READ));
            assertEquals(0, again.configReads(), "both cached");
            assertEquals(1, sim.translateDetailed(smmu, TranslationRequest.of(1, IOVA, Access.READ)).configurationReads(),
                    "a stage-2 stream reads its STE only");
        }
        try (IommuSim sim = start(dir.resolve("u"), 1)) {
            Smmu smmu = twoStreams(sim, SmmuCapabilities.builder().iotlbEntries(16).build());
            assertEquals(0, sim.translateDetailed(smmu, TranslationRequest.of(1, IOVA, Access.READ)).configurationReads(),
                    "unbounded: the configuration CFGI loaded, nothing read at translation");
        }
    }
    /** The simulation's per-DMA form answers as the traced one in everything but the walk's descriptor list. */
    @Test
    void aCountedTranslationAnswersAsATracedOneWithoutTheWalksDescriptors(@TempDir Path dir) {
        List<TranslationWorker.Traced> traced = new java.util.ArrayList<>();
        List<TranslationWorker.Traced> counted = new java.util.ArrayList<>();
        for (boolean trace : new boolean[] {true, false}) {
            try (IommuSim sim = start(dir.resolve(trace ? "traced" : "counted"), 1)) {
                Smmu smmu = twoStreams(sim, caps(new CacheShape(4, 4)));
                sim.allocateDomain(DomainId.of(3), DomainSpec.stage1(Granule.G4K, 48, 48, 7), smmu);
                sim.map(DomainId.of(3), new MapBatch(List.of(new MapSegment(IOVA, PA_A, 0x1000, Prot.rw()))));
                sim.writeCd(smmu, 3, 0, org.iommusim.protocol.config.Cd.of(7, DomainId.of(3)));
                sim.writeSte(smmu, 3, Ste.stage1(0, org.iommusim.protocol.config.S1Dss.SSID0));
                for (long iova : new long[] {IOVA, IOVA, IOVA + 0x1000}) {
                    TranslationRequest r = TranslationRequest.of(3, iova, Access.READ);
                    (trace ? traced : counted).add(trace ? ModelInternals.translateTraced(sim, smmu, r)
                            : ModelInternals.translateCounted(sim, smmu, r));
                }
            }
        }
        for (int i = 0; i < traced.size(); i++) {
            TranslationWorker.Traced t = traced.get(i);
            TranslationWorker.Traced c = counted.get(i);
            assertEquals(t.result(), c.result(), "request " + i);
            assertEquals(t.path(), c.path(), "request " + i);
            assertEquals(t.walkSteps(), c.walkSteps(), "request " + i);
            assertEquals(t.evictions(), c.evictions(), "request " + i);
            assertEquals(t.configReads(), c.configReads(), "request " + i);
            assertEquals(org.iommusim.protocol.translate.WalkDetail.NONE, c.walk(), "request " + i);
        }
        assertEquals(org.iommusim.persistence.translate.Outcome.Path.MISS, traced.get(0).path());
        assertTrue(traced.get(0).walkSteps() > 0 && !traced.get(0).walk().descriptors().isEmpty(),
                "the traced miss lists the descriptors its walk read");
        assertEquals(org.iommusim.persistence.translate.Outcome.Path.HIT, traced.get(1).path());
    }
}
