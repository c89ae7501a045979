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
import org.iommusim.actors.api.TranslationPort;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.translate.ShardTranslator;
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
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * Translations per second on the IOTLB hit path through the public API
 * (bursts of 64 through a {@link TranslationPort}, the same bursts as lists,
 * single requests), with many requests in flight; beside them, in the same
 * run, the floor: the pool's own per-request code ({@link ShardTranslator},
 * the code each worker runs for its part of a burst) called directly on one
 * thread over the same burst. The bare shard lookup is shown too. Also walks
 * per second on the miss path (each request a new page).
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.TranslateBench}
 */
public final class TranslateBench {
    private static final int PAGES = 64;
    private static final long IOVA = 0x10_0000_0000L;
    private static final long PA = 0x2_0000_0000L;
    private static final int CHUNK = 4096;
    /** Bursts a device keeps in flight through the port: 4,096 translations, as for the other API forms. */
    private static final int WINDOW = CHUNK / PAGES;

    private TranslateBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Results r = run(rounds, 2_000_000);
        System.out.println(r.table());
    }

    /**
     * The figures. {@code engine} is the floor the ratios use: the pool's own
     * hit-path code called directly, no actor in between; {@code lookup} is the
     * bare shard lookup, for reference.
     */
    public record Results(Rounds lookup, Rounds engine, Rounds burst, Rounds listBurst, Rounds single, Rounds walks) {
        public String table() {
            String row = "%-46s %s%n";
            String ratioRow = "%-46s %s  ratio %.2f%n";
            return String.format(row, "direct IOTLB lookups (bare shard)", lookup.summary())
                    + String.format(row, "direct hit path (ShardTranslator): floor", engine.summary())
                    + String.format(ratioRow, "API port bursts of 64 (64 in flight)", burst.summary(),
                            burst.mean() / engine.mean())
                    + String.format(ratioRow, "API list bursts of 64 (chunks of 4096)", listBurst.summary(),
                            listBurst.mean() / engine.mean())
                    + String.format(ratioRow, "API single requests (chunks of 4096)", single.summary(),
                            single.mean() / engine.mean())
                    + String.format(row, "API miss path: walks", walks.summary());
        }

        public double burstRatio() {
            return burst.mean() / engine.mean();
        }
    }

    public static Results run(int rounds, int requestsPerRound) throws Exception {
        Rounds lookup = directRounds(rounds, requestsPerRound * 2);
        Rounds engine = engineRounds(rounds, requestsPerRound);
        Path dir = Files.createTempDirectory("iommu-sim-bench-translate");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.builder().iotlbEntries(4096).build());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 1), smmu);
            sim.map(d, MapBatch.single(IOVA, PA, 1L << 30, Prot.rw()));
            sim.writeCd(smmu, 1, 0, Cd.of(1, d));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            List<TranslationRequest> requests = hotPages();
            sim.translateBurst(smmu, requests); // fill
            TranslationPort port = sim.translationPort(smmu);
            int bursts = Math.max(WINDOW, requestsPerRound / PAGES);
            Rounds burst = Rounds.measure(3, rounds, () -> PAGES * new Device(port, requests, WINDOW).run(bursts));
            Rounds listBurst = Rounds.measure(2, rounds, () -> PAGES * pipelined(requestsPerRound / 10 / PAGES, i ->
                    sim.translateBurstAsync(smmu, requests).toCompletableFuture()
                            .thenApply(l -> check(l.get(PAGES - 1)))));
            Rounds single = Rounds.measure(2, rounds, () -> pipelined(requestsPerRound / 10, i ->
                    sim.translateAsync(smmu, requests.get(i % PAGES)).toCompletableFuture()
                            .thenApply(TranslateBench::check)));
            long[] page = {1 << 20};
            Rounds walks = Rounds.measure(1, rounds, () -> pipelined(20_000, i ->
                    sim.translateAsync(smmu, TranslationRequest.of(1, IOVA + (page[0]++ % (1 << 18)) * 4096L, Access.READ))
                            .toCompletableFuture().thenApply(TranslateBench::check)));
            return new Results(lookup, engine, burst, listBurst, single, walks);
        } finally {
            DomainMapBench.deleteTree(dir);
        }
    }

    private static List<TranslationRequest> hotPages() {
        List<TranslationRequest> out = new ArrayList<>(PAGES);
        for (int i = 0; i < PAGES; i++) {
            out.add(TranslationRequest.of(1, IOVA + i * 4096L + 8, Access.READ));
        }
        return out;
    }

    private static TranslationBurst burstOf(List<TranslationRequest> requests) {
        TranslationBurst b = new TranslationBurst(requests.size());
        requests.forEach(b::add);
        return b;
    }

    private static Object check(TranslationResult r) {
        if (!(r instanceof Translated)) {
            throw new IllegalStateException("benchmark translation failed: " + r.toText());
        }
        return r;
    }

    private static void check(TranslationBurst b) {
        if (b.untranslated() != 0) {
            throw new IllegalStateException("benchmark translation failed: " + b.result(0).toText());
        }
    }

    /**
     * A device on its own thread keeping {@code window} bursts in flight
     * through the port: it refills each completed burst and submits it again,
     * sleeping only when the whole window is out, and woken when half of it
     * is back (a wake-up per completion would measure thread hand-offs).
     */
    private static final class Device {
        private final TranslationPort port;
        private final List<TranslationRequest> requests;
        private final java.util.concurrent.ConcurrentLinkedQueue<TranslationBurst> done =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger back = new java.util.concurrent.atomic.AtomicInteger();
        private final int window;
        private volatile Thread sleeper;

        Device(TranslationPort port, List<TranslationRequest> requests, int window) {
            this.port = port;
            this.requests = requests;
            this.window = window;
        }

        long run(int bursts) {
            Thread me = Thread.currentThread();
            for (int i = 0; i < window; i++) {
                done.add(port.newBurst());
            }
            back.set(window);
            int submitted = 0;
            int completed = 0;
            while (completed < bursts) {
                TranslationBurst b = done.poll();
                if (b == null) {
                    sleeper = me;
                    if (back.get() < window / 2) {
                        // bounded: at the end fewer than half the window may still be out
                        java.util.concurrent.locks.LockSupport.parkNanos(this, 50_000);
                    }
                    sleeper = null;
                    continue;
                }
                back.decrementAndGet();
                if (b.size() > 0) {
                    check(b);
                    b.clear();
                    completed++;
                }
                if (submitted < bursts) {
                    for (TranslationRequest r : requests) {
                        b.add(r.sid(), r.iova(), r.access());
                    }
                    submitted++;
                    port.submit(b, this::completed);
                }
            }
            return bursts;
        }

        private void completed(TranslationBurst b) {
            done.add(b);
            if (back.incrementAndGet() >= window / 2) {
                Thread t = sleeper;
                if (t != null) {
                    java.util.concurrent.locks.LockSupport.unpark(t);
                }
            }
        }
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

    /**
     * The floor: what a worker runs for a burst (the configuration in force
     * once per stream, then per request the IOTLB lookup, permission check and
     * answer, counted per stream), called directly on one thread.
     */
    static Rounds engineRounds(int rounds, int requests) throws Exception {
        SmmuCapabilities caps = SmmuCapabilities.defaults();
        DomainId d = DomainId.of(1);
        PageTable table = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1))
                .map(IOVA, PA, 1L << 30, Prot.rw()).table();
        ConfigCache config = ConfigCache.of(Map.of(1, new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(1, d)))));
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(4096, IotlbPolicy.LRU, 1));
        List<IotlbEvent> fills = new ArrayList<>();
        ShardTranslator translator = new ShardTranslator(caps, id -> id.equals(d) ? table : null, fills);
        TranslationBurst b = burstOf(hotPages());
        List<SmmuEvent> faults = new ArrayList<>();
        translator.translate(b, null, 0, config, shard, faults); // fill
        check(b);
        long[] sink = {0};
        Rounds r = Rounds.measure(3, rounds, () -> {
            for (int n = 0; n < requests; n += PAGES) {
                translator.translate(b, null, 0, config, shard, faults);
                sink[0] += b.outputAddress(PAGES - 1);
            }
            return requests / PAGES * PAGES;
        });
        check(b);
        if (sink[0] == 42 || !faults.isEmpty()) {
            System.out.println();
        }
        return r;
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
