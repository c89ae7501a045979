package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuStatistics;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.simulations.replay.JournalExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker count is a throughput setting only: in deterministic mode the
 * same workload on four TBUs (every policy, set-associative, a micro-TLB)
 * gives the same translations, the same statistics (the TCU's walk caches,
 * which the workers share, included) and the same journal (digest of the
 * exported event stream) with 1, 2 and 4 workers.
 */
class TbuWorkerCountTest {
    private static final long IOVA = 0x1000_0000L;
    private static final long PA = 0x8000_0000L;
    private static final int PAGES = 96;
    private static final int STREAMS = 8;

    static final SmmuCapabilities CAPS = SmmuCapabilities.builder()
            .tbus(List.of(new TbuTlb(32, 4, IotlbPolicy.LRU, 1, 4, IotlbPolicy.FIFO),
                    TbuTlb.fullyAssociative(24, IotlbPolicy.FIFO, 2),
                    new TbuTlb(16, 8, IotlbPolicy.RANDOM, 3, 0, IotlbPolicy.LRU),
                    TbuTlb.fullyAssociative(20, IotlbPolicy.FLUSH_ALL_WHEN_FULL, 4)))
            .streamTbus(Map.of(1, 1, 2, 2, 3, 3, 5, 1, 6, 2, 7, 3)) // 0 and 4 on TBU 0
            .build();

    private record Outcome(String digest, SmmuStatistics stats, List<TranslationResult> results) {}

    private static Outcome run(Path dir, int workers) throws Exception {
        List<TranslationResult> results = new ArrayList<>();
        SmmuStatistics stats;
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic().withWorkers(workers))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            List<Command> cfgi = new ArrayList<>();
            for (int sid = 0; sid < STREAMS; sid++) {
                DomainId d = DomainId.of(sid + 1);
                sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 10 + sid), smmu);
                List<org.iommusim.protocol.domain.MapSegment> pages = new ArrayList<>();
                for (int p = 0; p < PAGES; p++) {
                    pages.add(new org.iommusim.protocol.domain.MapSegment(IOVA + p * 0x1000L,
                            PA + sid * 0x100_0000L + p * 0x1000L, 0x1000, Prot.rw()));
                }
                sim.map(d, new MapBatch(pages));
                sim.writeCd(smmu, sid, 0, Cd.of(10 + sid, d));
                sim.writeSte(smmu, sid, Ste.stage1(0, S1Dss.SSID0));
                cfgi.add(new CfgiSte(sid, false));
            }
            cfgi.add(CmdSync.poll());
            sim.submitAndWait(smmu, cfgi);
            Random rnd = new Random(5);
            for (int round = 0; round < 60; round++) {
                List<TranslationRequest> burst = new ArrayList<>();
                for (int i = 0; i < 48; i++) {
                    int sid = rnd.nextInt(STREAMS);
                    burst.add(TranslationRequest.of(sid, IOVA + rnd.nextInt(PAGES) * 0x1000L + 8, Access.READ));
                }
                results.addAll(sim.translateBurst(smmu, burst));
                results.add(sim.translate(smmu, TranslationRequest.of(rnd.nextInt(STREAMS), IOVA + 0x1000, Access.WRITE)));
                if (round % 10 == 9) {
                    // a stream's page moves: unmap, invalidate, map elsewhere
                    int sid = rnd.nextInt(STREAMS);
                    long page = IOVA + rnd.nextInt(PAGES) * 0x1000L;
                    DomainId d = DomainId.of(sid + 1);
                    sim.unmap(d, UnmapBatch.single(page, 0x1000));
                    // every other move as a table free would need it: LEAF=0 also removes the walk caches' table entries
                    sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 10 + sid, page, round % 20 == 9), CmdSync.poll()));
                    sim.map(d, MapBatch.single(page, PA + 0x4000_0000L + round * 0x1000L, 0x1000, Prot.rw()));
                }
                sim.advanceTo(sim.virtualNanos() + 1_000_000L);
            }
            sim.advanceTo(sim.virtualNanos() + 20_000_000L); // past every write-behind delay
            stats = sim.statistics(smmu);
        }
        try (JournalReader reader = JournalReader.open(dir)) {
            return new Outcome(JournalExport.digest(reader), stats, results);
        }
    }

    @Test
    void oneTwoAndFourWorkersGiveTheSameTranslationsStatisticsAndJournal(@TempDir Path dir) throws Exception {
        Outcome one = run(dir.resolve("1"), 1);
        SmmuStatistics s = one.stats();
        assertEquals(4, s.tbus().size());
        for (var t : s.tbus()) {
            assertTrue(t.tlb().fills() > 0 && t.tlb().misses() > 0, "TBU " + t.tbu() + " served: " + t);
        }
        assertTrue(s.tbus().get(3).tlb().flushes() > 0, "the flush-all TBU flushed");
        assertTrue(s.tbus().get(0).micro().orElseThrow().hits() > 0, "the micro-TLB answered");
        assertTrue(s.evictions() > 0 && !s.invalidationsByCommand().isEmpty(), "evictions and invalidations happened: " + s);
        // the TCU's walk caches, shared by the workers, served the TLB misses: hits, fills and evictions
        assertEquals(9, s.tcu().size(), "walk caches s1 L0-L3, s2 L0-L3, the IPA cache: " + s.tcu());
        var l2 = s.tcuCache("walk-s1-l2").orElseThrow();
        assertTrue(l2.hits() > 0 && l2.fills() > 0, "the stage-1 level-2 walk cache answered: " + l2);
        assertTrue(s.tcuCache("walk-s1-l0").orElseThrow().evictions() > 0, "8 ASIDs in 4 level-0 entries evict: " + s.tcu());
        assertTrue(s.tcu().stream().mapToLong(c -> c.invalidations()).sum() > 0, "TLBIs reached the walk caches: " + s.tcu());
        for (int workers : new int[] {2, 4}) {
            Outcome other = run(dir.resolve(String.valueOf(workers)), workers);
            assertEquals(one.results(), other.results(), "translations with " + workers + " workers");
            assertEquals(one.stats(), other.stats(), "statistics with " + workers + " workers");
            assertEquals(one.digest(), other.digest(), "journal digest with " + workers + " workers");
        }
    }
}
