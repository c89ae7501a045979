package org.iommusim.simulations.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuStatistics;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.translate.DomainLookup;
import org.iommusim.persistence.translate.ShardTranslator;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * Walks that hit the TCU's walk caches: one stage-1 stream over 32 MiB of 4K
 * pages (16 level-3 tables), a 64-entry TLB and gem5's walk caches, requests
 * sweeping the pages in order, so every request misses the TLB and the
 * level-3 walk cache and hits the level-2 one (one descriptor read from
 * memory). Through the live pool (bursts of 64, one worker: the TCU's lock,
 * its log and the fills' write-behind included) beside the same walks on the
 * pure engine on one thread ({@link ShardTranslator} with its own TLB and TCU).
 */
public final class WalkCacheBench {
    private static final long IOVA = 0x40_0000_0000L;
    private static final long PA = 0x2_0000_0000L;
    private static final int PAGES = 8192;
    private static final int BURST = 64;
    private static final int WINDOW = 8;

    private WalkCacheBench() {}

    public record Results(Rounds pool, Rounds engine, double walkCacheHitsPerRequest) {}

    /** Runs it alone: {@code rounds} and requests per round as arguments (default 5 and 200,000). */
    public static void main(String[] args) throws Exception {
        Results r = run(args.length > 0 ? Integer.parseInt(args[0]) : 5, args.length > 1 ? Integer.parseInt(args[1]) : 200_000);
        System.out.printf("pool   %,.0f walks/s%nengine %,.0f walks/s%nratio  %.2f (level-2 walk-cache hits per request %.2f)%n",
                r.pool().mean(), r.engine().mean(), r.pool().mean() / r.engine().mean(), r.walkCacheHitsPerRequest());
    }

    public static Results run(int rounds, int requestsPerRound) throws Exception {
        int bursts = Math.max(WINDOW, requestsPerRound / BURST);
        List<List<TranslationRequest>> sweep = sweep();
        Rounds.Round floor = floor(sweep, bursts);
        Path dir = Files.createTempDirectory("iommu-sim-bench-walkcache");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.builder().iotlbEntries(64).build());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 1), smmu);
            sim.map(d, new MapBatch(pages()));
            sim.writeCd(smmu, 1, 0, Cd.of(1, d));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            int[] next = {0};
            Rounds.Round live = () -> {
                List<CompletableFuture<List<TranslationResult>>> inFlight = new ArrayList<>();
                for (int b = 0; b < bursts; b++) {
                    if (inFlight.size() == WINDOW) {
                        check(inFlight.remove(0).join());
                    }
                    inFlight.add(sim.translateBurstAsync(smmu, sweep.get(next[0]++ % sweep.size())).toCompletableFuture());
                }
                inFlight.forEach(f -> check(f.join()));
                return (long) bursts * BURST;
            };
            SmmuStatistics before = sim.statistics(smmu);
            Rounds[] paired = Rounds.interleaved(3, rounds, live, floor);
            SmmuStatistics after = sim.statistics(smmu);
            long requests = after.misses() + after.hits() - before.misses() - before.hits();
            long l2Hits = after.tcuCache("walk-s1-l2").orElseThrow().hits() - before.tcuCache("walk-s1-l2").orElseThrow().hits();
            if (after.hits() - before.hits() > requests / 100 || l2Hits < requests * 9 / 10) {
                throw new IllegalStateException("the sweep did not miss the TLB and hit the level-2 walk cache: "
                        + requests + " requests, " + (after.hits() - before.hits()) + " TLB hits, " + l2Hits
                        + " walk-cache hits");
            }
            return new Results(paired[0], paired[1], (double) l2Hits / requests);
        } finally {
            DomainMapBench.deleteTree(dir);
        }
    }

    private static List<MapSegment> pages() {
        List<MapSegment> out = new ArrayList<>();
        for (int p = 0; p < PAGES; p++) {
            out.add(new MapSegment(IOVA + p * 4096L, PA + p * 4096L, 4096, Prot.rw()));
        }
        return out;
    }

    private static List<List<TranslationRequest>> sweep() {
        List<List<TranslationRequest>> out = new ArrayList<>();
        for (int b = 0; b < PAGES / BURST; b++) {
            List<TranslationRequest> burst = new ArrayList<>(BURST);
            for (int i = 0; i < BURST; i++) {
                burst.add(TranslationRequest.of(1, IOVA + (b * BURST + i) * 4096L + 8, Access.READ));
            }
            out.add(burst);
        }
        return out;
    }

    /** The same sweep on the pure engine: a worker's code for a burst, its own TLB and TCU, no actors. */
    private static Rounds.Round floor(List<List<TranslationRequest>> sweep, int bursts) {
        DomainId d = DomainId.of(1);
        PageTable table = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1)).map(new MapBatch(pages())).table();
        DomainLookup domains = new DomainLookup() {
            @Override
            public PageTable table(DomainId id) {
                return id.equals(d) ? table : null;
            }

            @Override
            public long version() {
                return 0;
            }
        };
        ConfigCache config = ConfigCache.of(Map.of(1, new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(1, d)))));
        Tcu tcu = new Tcu(TcuCaches.defaults());
        List<org.iommusim.persistence.iotlb.IotlbEvent> fills = new ArrayList<>();
        ShardTranslator translator = new ShardTranslator(SmmuCapabilities.defaults(), domains, fills, tcu);
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));
        List<SmmuEvent> faults = new ArrayList<>();
        List<TranslationBurst> prepared = new ArrayList<>();
        for (List<TranslationRequest> requests : sweep) {
            TranslationBurst b = new TranslationBurst(requests.size());
            requests.forEach(b::add);
            BurstSlots.markSubmitted(b); // held by the "model" from here on, as a worker holds its part
            prepared.add(b);
        }
        int[] next = {0};
        return () -> {
            for (int b = 0; b < bursts; b++) {
                TranslationBurst burst = prepared.get(next[0]++ % prepared.size());
                translator.translate(burst, 0, burst.size(), config, shard, faults);
                fills.clear(); // a worker hands them to its journal
                if (!faults.isEmpty() || burst.outputAddress(BURST - 1) == 0) {
                    throw new IllegalStateException("the floor's walks failed");
                }
            }
            return (long) bursts * BURST;
        };
    }

    private static void check(List<TranslationResult> results) {
        if (!(results.get(results.size() - 1) instanceof Translated)) {
            throw new IllegalStateException("a walk failed: " + results.get(results.size() - 1));
        }
    }
}
