package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuStatistics;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
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
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.simulations.replay.JournalExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCU's bounded configuration cache is shared by every worker: in
 * deterministic mode the same workload on four TBUs (8 streams, an STE and a
 * CD each, in an 8-entry 2-way cache, so fills evict; STEs rewritten with and
 * without CFGI_STE, so what is cached decides answers) gives the same
 * translations, statistics and journal digest with 1, 2 and 4 workers.
 */
class ConfigCacheWorkerCountTest {
    private static final long IOVA = 0x1000_0000L;
    private static final long PA = 0x8000_0000L;
    private static final int STREAMS = 8;
    private static final SmmuCapabilities CAPS = TbuWorkerCountTest.CAPS.toBuilder()
            .tcu(TcuCaches.defaults().withConfigCache(new CacheShape(8, 2))).build();

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
                sim.map(d, MapBatch.single(IOVA, PA + sid * 0x10_0000L, 0x1000, Prot.rw()));
                sim.writeCd(smmu, sid, 0, Cd.of(10 + sid, d));
                sim.writeSte(smmu, sid, Ste.stage1(0, S1Dss.SSID0));
                cfgi.add(new CfgiSte(sid, false));
            }
            cfgi.add(CmdSync.poll());
            sim.submitAndWait(smmu, cfgi);
            Random rnd = new Random(11);
            boolean[] bypass = new boolean[STREAMS];
            for (int round = 0; round < 40; round++) {
                List<TranslationRequest> burst = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    burst.add(TranslationRequest.of(rnd.nextInt(STREAMS), IOVA + 8, Access.READ));
                }
                results.addAll(sim.translateBurst(smmu, burst));
                int sid = rnd.nextInt(STREAMS);
                bypass[sid] = !bypass[sid];
                sim.writeSte(smmu, sid, bypass[sid] ? Ste.bypass() : Ste.stage1(0, S1Dss.SSID0));
                if (round % 3 == 0) {
                    sim.submitAndWait(smmu, List.of(new CfgiSte(sid, false), CmdSync.poll()));
                }
                sim.advanceTo(sim.virtualNanos() + 1_000_000L);
            }
            sim.advanceTo(sim.virtualNanos() + 20_000_000L);
            stats = sim.statistics(smmu);
        }
        try (JournalReader reader = JournalReader.open(dir)) {
            return new Outcome(JournalExport.digest(reader), stats, results);
        }
    }

    @Test
    void oneTwoAndFourWorkersGiveTheSameTranslationsStatisticsAndJournal(@TempDir Path dir) throws Exception {
        Outcome one = run(dir.resolve("1"), 1);
        var config = one.stats().tcuCache("config").orElseThrow();
        assertTrue(config.hits() > 0 && config.misses() > 0 && config.evictions() > 0 && config.invalidations() > 0,
                "the configuration cache hit, missed, evicted and was invalidated: " + config);
        assertTrue(one.results().stream().anyMatch(r -> r instanceof org.iommusim.protocol.translate.Translated t
                && t.outputAddress() == IOVA + 8), "some stream was seen in BYPASS");
        for (int workers : new int[] {2, 4}) {
            Outcome other = run(dir.resolve(String.valueOf(workers)), workers);
            assertEquals(one.results(), other.results(), "translations with " + workers + " workers");
            assertEquals(one.stats(), other.stats(), "statistics with " + workers + " workers");
            assertEquals(one.digest(), other.digest(), "journal digest with " + workers + " workers");
        }
    }
}
