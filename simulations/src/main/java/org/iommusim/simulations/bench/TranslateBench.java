package org.iommusim.simulations.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.TranslationPort;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbShard;
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
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * Translations per second on the IOTLB hit path through the public API
 * (bursts of 64 through a {@link TranslationPort}, the same bursts as lists,
 * single requests), with many requests in flight; beside them, in the same
 * run, the floor: the pool's own per-request code ({@link ShardTranslator},
 * the code each worker runs for its part of a burst) called directly on one
 * thread over the same burst, in rounds alternating with the headline's (so
 * a slow spell of the machine falls on both). The bare shard lookup is shown
 * too. Also walks per second on the miss path (each request a new page).
 *
 * <p>The headline is one worker, which answers each burst whole. With two
 * workers every burst of the 64 pages is split between them (each page goes
 * to the shard it hashes to): that figure is shown too, and
 * docs/PERFORMANCE.md says what bounds it.
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.TranslateBench}
 */
public final class TranslateBench {
    private static final int PAGES = 64;
    private static final long IOVA = 0x10_0000_0000L;
    private static final long PA = 0x2_0000_0000L;
    private static final int CHUNK = 4096;
    /** Bursts a device keeps in flight through the port: 4,096 translations, as the other API forms do. */
    private static final int WINDOW = CHUNK / PAGES;

    private TranslateBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Results r = run(rounds, 10_000_000);
        System.out.println(r.table());
    }

    /**
     * The figures. {@code engine} is the floor the ratios use: the pool's own
     * hit-path code called directly, no actor in between; {@code lookup} is the
     * bare shard lookup, for reference.
     */
    public record Results(Rounds lookup, Rounds floorAlone, Rounds engine, Rounds burst, Rounds deviceBurst,
            Rounds splitBurst, Rounds rawSplit, Rounds listBurst, Rounds single, Rounds walks) {
        public String table() {
            String row = "%-58s %s%n";
            String ratioRow = "%-58s %s  ratio %.2f%n";
            return String.format(row, "direct IOTLB lookups (bare shard)", lookup.summary())
                    + String.format(row, "direct hit path, alone, before any model ran", floorAlone.summary())
                    + String.format(row, "direct hit path (ShardTranslator, one thread): floor", engine.summary())
                    + String.format(ratioRow, "API port, bursts of 64, event-driven, 1 worker", burst.summary(),
                            burst.mean() / engine.mean())
                    + String.format(ratioRow, "API port, bursts of 64, device thread, 1 worker", deviceBurst.summary(),
                            deviceBurst.mean() / engine.mean())
                    + String.format(ratioRow, "API port, bursts of 64, event-driven, 2 workers (split)",
                            splitBurst.summary(), splitBurst.mean() / engine.mean())
                    + String.format(ratioRow, "  its bound: the same split on 2 bare threads, no actors",
                            rawSplit.summary(), rawSplit.mean() / engine.mean())
                    + String.format(ratioRow, "API list bursts of 64, 1 worker (4096 in flight)", listBurst.summary(),
                            listBurst.mean() / engine.mean())
                    + String.format(ratioRow, "API port single requests, 1 worker (4096 in flight)",
                            single.summary(), single.mean() / engine.mean())
                    + String.format(row, "API port miss path: walks, 1 worker", walks.summary());
        }

        public double burstRatio() {
            return burst.mean() / engine.mean();
        }
    }

    public static Results run(int rounds, int requestsPerRound) throws Exception {
        Rounds lookup = directRounds(rounds, requestsPerRound * 2);
        Rounds.Round floor = floorRound(requestsPerRound);
        // warmed until the JIT has settled: a floor still climbing would flatter every ratio. Measured alone
        // here for reference; the ratios use the floor measured in rounds alternating with the API's, once the
        // pool has run the same code (the JIT then compiles it for both callers, as it runs in the model).
        Rounds floorAlone = Rounds.measure(12, rounds, floor);
        int bursts = Math.max(WINDOW, requestsPerRound / PAGES);
        List<TranslationRequest> requests = hotPages();
        Rounds[] one = onModel(1, (sim, smmu, port) -> {
            long hitsBefore = sim.statistics(smmu).hits();
            Rounds[] paired = Rounds.interleaved(5, rounds, floor,
                    () -> PAGES * chained(port, requests, WINDOW, bursts));
            requireHits(sim, smmu, hitsBefore, (5L + rounds) * bursts * PAGES);
            return new Rounds[] {paired[0], paired[1],
                Rounds.measure(5, rounds, () -> PAGES * new Device(port, requests, WINDOW).run(bursts)),
                Rounds.measure(2, rounds, () -> PAGES * pipelined(requestsPerRound / 10 / PAGES, i ->
                        sim.translateBurstAsync(smmu, requests).toCompletableFuture()
                                .thenApply(l -> check(l.get(PAGES - 1))))),
                Rounds.measure(2, rounds, () -> pipelined(requestsPerRound / 10, i ->
                        one(port, requests.get(i % PAGES)))),
                walkRounds(port, rounds, Math.max(CHUNK, requestsPerRound / 50))};
        });
        Rounds[] two = onModel(2, (sim, smmu, port) -> {
            long hitsBefore = sim.statistics(smmu).hits();
            Rounds split = Rounds.measure(5, rounds, () -> PAGES * chained(port, requests, WINDOW, bursts));
            requireHits(sim, smmu, hitsBefore, (5L + rounds) * bursts * PAGES);
            return new Rounds[] {split};
        });
        Rounds rawSplit = Rounds.measure(3, rounds, () -> PAGES * BareSplit.run(requests, WINDOW, bursts));
        return new Results(lookup, floorAlone, one[0], one[1], one[2], two[0], rawSplit, one[3], one[4], one[5]);
    }

    /**
     * A resubmitted burst still holds its last answers, so reading them proves
     * nothing: the shards' own count shows each request was translated again.
     */
    static void requireHits(IommuSim sim, Smmu smmu, long before, long expected) {
        long hits = sim.statistics(smmu).hits() - before;
        if (hits != expected) {
            throw new IllegalStateException("the pool counted " + hits + " hits for " + expected + " translations");
        }
    }

    interface OnModel {
        Rounds[] measure(IommuSim sim, Smmu smmu, TranslationPort port) throws Exception;
    }

    /**
     * A model on a fresh journal (fsync off: nothing here writes but fills)
     * with {@code workers} translation workers, one stage-1 stream over a
     * 1 GiB block, its 64 hot pages already in the IOTLB.
     */
    private static Rounds[] onModel(int workers, OnModel body) throws Exception {
        return onModel(dir -> ModelOptions.at(dir).withFsync(false).withWorkers(workers), body);
    }

    /** As {@link #onModel(int, OnModel)}, the model started with the options {@code options} gives for its folder. */
    static Rounds[] onModel(java.util.function.Function<Path, ModelOptions> options, OnModel body) throws Exception {
        Path dir = Files.createTempDirectory("iommu-sim-bench-translate");
        try (IommuSim sim = IommuSim.start(options.apply(dir))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.builder().iotlbEntries(4096).build());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 1), smmu);
            sim.map(d, MapBatch.single(IOVA, PA, 1L << 30, Prot.rw()));
            sim.writeCd(smmu, 1, 0, Cd.of(1, d));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            sim.translateBurst(smmu, hotPages()); // fill
            return body.measure(sim, smmu, sim.translationPort(smmu));
        } finally {
            DomainMapBench.deleteTree(dir);
        }
    }

    /** Each request a page not yet cached: a walk and a fill. */
    private static Rounds walkRounds(TranslationPort port, int rounds, int n) throws Exception {
        long[] page = {1 << 20};
        return Rounds.measure(1, rounds, () -> pipelined(n, i ->
                one(port, TranslationRequest.of(1, IOVA + (page[0]++ % (1 << 18)) * 4096L, Access.READ))));
    }

    /** One request through the port, checked. */
    private static CompletableFuture<?> one(TranslationPort port, TranslationRequest r) {
        CompletableFuture<TranslationResult> f = new CompletableFuture<>();
        port.translate(r, f::complete);
        return f.thenApply(TranslateBench::check);
    }

    static List<TranslationRequest> hotPages() {
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

    static Object check(TranslationResult r) {
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
     * through the port, polling for completed ones as a device model polls
     * its completion ring: it refills each completed burst and submits it
     * again, and yields its core while nothing is back (parking and waking
     * per completion would measure the scheduler's hand-offs, not the model).
     */
    private static final class Device {
        private final TranslationPort port;
        private final List<TranslationRequest> requests;
        private final ConcurrentLinkedQueue<TranslationBurst> back = new ConcurrentLinkedQueue<>();
        private final int window;

        Device(TranslationPort port, List<TranslationRequest> requests, int window) {
            this.port = port;
            this.requests = requests;
            this.window = window;
        }

        long run(int bursts) {
            for (int i = 0; i < window; i++) {
                back.add(port.newBurst());
            }
            int submitted = 0;
            int completed = 0;
            while (completed < bursts) {
                TranslationBurst b = back.poll();
                if (b == null) {
                    Thread.yield();
                    continue;
                }
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
                    port.submit(b, back::add);
                }
            }
            return bursts;
        }
    }

    /**
     * An event-driven device (as in a discrete-event simulator): {@code window}
     * bursts in flight, each completion checked and the same burst submitted
     * again from the completion itself, until {@code bursts} have completed.
     */
    private static long chained(TranslationPort port, List<TranslationRequest> requests, int window, int bursts)
            throws InterruptedException {
        AtomicInteger toSubmit = new AtomicInteger(bursts - window);
        CountDownLatch finished = new CountDownLatch(bursts);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Consumer<TranslationBurst>[] next = new Consumer[1];
        next[0] = b -> {
            try {
                check(b);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
            finished.countDown();
            if (toSubmit.getAndDecrement() > 0) {
                port.submit(b, next[0]);
            }
        };
        for (int i = 0; i < window; i++) {
            port.submit(burstOf(requests), next[0]);
        }
        finished.await();
        if (failure.get() != null) {
            throw failure.get();
        }
        return bursts;
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
    static Rounds.Round floorRound(int requests) throws Exception {
        HitPathFixture model = HitPathFixture.stage1Block(IOVA, PA);
        ConfigCache config = model.config();
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(4096, IotlbPolicy.LRU, 1));
        ShardTranslator translator = model.translator();
        TranslationBurst b = burstOf(hotPages());
        BurstSlots.markSubmitted(b); // held by the "model" from here on, as a worker holds its part
        List<SmmuEvent> faults = new ArrayList<>();
        translator.translate(b, 0, b.size(), config, shard, faults); // fill
        check(b);
        int bursts = Math.max(1, requests / PAGES);
        return () -> {
            long hits = shard.stats().hits();
            long sum = 0;
            for (int n = 0; n < bursts; n++) {
                translator.translate(b, 0, PAGES, config, shard, faults);
                sum += b.outputAddress(PAGES - 1);
            }
            // the burst keeps its answers: the shard's count shows every request was looked up and hit
            if (sum == 42 || !faults.isEmpty() || shard.stats().hits() - hits != (long) bursts * PAGES) {
                throw new IllegalStateException("the floor's translations failed");
            }
            return (long) bursts * PAGES;
        };
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
