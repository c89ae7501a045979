package org.iommusim.simulations.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.protocol.capability.IotlbPolicy;
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
import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * Translations per second on the IOTLB hit path through the public API
 * ({@link IommuSim}), single requests and bursts of 64, with many requests
 * in flight; beside them, in the same run, direct calls of the same IOTLB
 * lookup code ({@link IotlbShard#lookupOrNull}) over the same addresses. Also
 * walks per second on the miss path (each request a new page).
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.TranslateBench}
 */
public final class TranslateBench {
    private static final int PAGES = 64;
    private static final long IOVA = 0x10_0000_0000L;
    private static final long PA = 0x2_0000_0000L;
    private static final int CHUNK = 4096;

    private TranslateBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Results r = run(rounds, 200_000);
        System.out.println(r.table());
    }

    /**
     * The figures. {@code engine} is the floor the ratios use: the worker's own
     * hit path (configuration in force, IOTLB lookup, permission check, result)
     * called directly, no actor in between; {@code lookup} is the bare shard
     * lookup, for reference.
     */
    public record Results(Rounds lookup, Rounds engine, Rounds single, Rounds burst, Rounds walks) {
        public String table() {
            return String.format("%-44s %s%n%-44s %s%n%-44s %s  ratio %.2f%n%-44s %s  ratio %.2f%n%-44s %s",
                    "direct IOTLB lookups (bare shard)", lookup.summary(),
                    "direct hit path (engine, no actors): floor", engine.summary(),
                    "API single requests (chunks of 4096)", single.summary(), single.mean() / engine.mean(),
                    "API bursts of 64 (chunks of 4096)", burst.summary(), burst.mean() / engine.mean(),
                    "API miss path: walks", walks.summary());
        }

        public double burstRatio() {
            return burst.mean() / engine.mean();
        }
    }

    public static Results run(int rounds, int requestsPerRound) throws Exception {
        Rounds direct = directRounds(rounds, requestsPerRound * 20);
        Rounds engine = engineRounds(rounds, requestsPerRound * 5);
        Path dir = Files.createTempDirectory("iommu-sim-bench-translate");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.builder().iotlbEntries(4096).build());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 1), smmu);
            sim.map(d, MapBatch.single(IOVA, PA, 1L << 30, Prot.rw()));
            sim.writeCd(smmu, 1, 0, Cd.of(1, d));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            List<TranslationRequest> burst = new ArrayList<>(PAGES);
            for (int i = 0; i < PAGES; i++) {
                burst.add(TranslationRequest.of(1, IOVA + i * 4096L + 8, Access.READ));
            }
            sim.translateBurst(smmu, burst); // fill
            Rounds single = Rounds.measure(2, rounds, () -> pipelined(requestsPerRound, i ->
                    sim.translateAsync(smmu, burst.get(i % PAGES)).toCompletableFuture().thenApply(TranslateBench::check)));
            Rounds bursts = Rounds.measure(2, rounds, () -> PAGES * pipelined(requestsPerRound / PAGES, i ->
                    sim.translateBurstAsync(smmu, burst).toCompletableFuture().thenApply(l -> check(l.get(PAGES - 1)))));
            long[] page = {1 << 20};
            Rounds walks = Rounds.measure(1, rounds, () -> pipelined(20_000, i ->
                    sim.translateAsync(smmu, TranslationRequest.of(1, IOVA + (page[0]++ % (1 << 18)) * 4096L, Access.READ))
                            .toCompletableFuture().thenApply(TranslateBench::check)));
            return new Results(direct, engine, single, bursts, walks);
        } finally {
            DomainMapBench.deleteTree(dir);
        }
    }

    private static Object check(TranslationResult r) {
        if (!(r instanceof Translated)) {
            throw new IllegalStateException("benchmark translation failed: " + r.toText());
        }
        return r;
    }

    private interface Op {
        CompletableFuture<?> start(int i);
    }

    /**
     * Runs {@code n} operations issued in chunks of {@link #CHUNK}, waiting for
     * each chunk: handing every completion back to one issuing thread would
     * measure thread wake-ups, not the model.
     */
    private static long pipelined(int n, Op op) {
        for (int done = 0; done < n; done += CHUNK) {
            int m = Math.min(CHUNK, n - done);
            CompletableFuture<?>[] fs = new CompletableFuture<?>[m];
            for (int i = 0; i < m; i++) {
                fs[i] = op.start(done + i);
            }
            CompletableFuture.allOf(fs).join();
        }
        return n;
    }

    /** The worker's hit path without actors: resolve the configuration in force, look up, check, answer. */
    static Rounds engineRounds(int rounds, int requests) throws Exception {
        SmmuCapabilities caps = SmmuCapabilities.defaults();
        DomainId d = DomainId.of(1);
        org.iommusim.persistence.pagetable.PageTable table = org.iommusim.persistence.pagetable.PageTable.empty(
                DomainSpec.stage1(Granule.G4K, 48, 48, 1)).map(IOVA, PA, 1L << 30, Prot.rw()).table();
        org.iommusim.persistence.config.StreamConfig config = new org.iommusim.persistence.config.StreamConfig(
                Ste.stage1(0, S1Dss.SSID0), java.util.Map.of(0, Cd.of(1, d)));
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(4096, IotlbPolicy.LRU, 1));
        List<TranslationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
            reqs.add(TranslationRequest.of(1, IOVA + i * 4096L + 8, Access.READ));
        }
        long[] sink = {0};
        return Rounds.measure(3, rounds, () -> {
            for (int i = 0; i < requests; i++) {
                TranslationRequest r = reqs.get(i % PAGES);
                var ctx = org.iommusim.persistence.translate.ConfigResolution.resolve(r, caps, config,
                        id -> id.equals(d) ? table : null);
                var o = org.iommusim.persistence.translate.TranslationEngine.translate(r, ctx, shard);
                sink[0] += ((Translated) o.result()).outputAddress();
            }
            return requests;
        });
    }

    static Rounds directRounds(int rounds, int lookups) throws Exception {
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(4096, IotlbPolicy.LRU, 1));
        Perms rw = new Perms(true, true, true, true);
        for (int i = 0; i < PAGES; i++) {
            shard.fill(IotlbEntry.stage1(0, 1, IOVA + i * 4096L, Granule.G4K, 3, PA + i * 4096L, rw));
        }
        long[] sink = {0};
        Rounds r = Rounds.measure(3, rounds, () -> {
            for (int i = 0; i < lookups; i++) {
                IotlbEntry e = shard.lookupOrNull(0, 1, IotlbEntry.Kind.STAGE1, IOVA + (i % PAGES) * 4096L + 8);
                sink[0] += e.pa();
            }
            return lookups;
        });
        if (sink[0] == 42) {
            System.out.println();
        }
        return r;
    }
}
