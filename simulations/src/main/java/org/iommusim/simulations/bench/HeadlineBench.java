package org.iommusim.simulations.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every headline figure in one JVM and one run, each beside its floor: the
 * figures issues H and I name, measured by the harnesses of the other issues.
 * {@code scale} shrinks every workload (1 for a full run; the quick run and
 * tests use less).
 */
public final class HeadlineBench {
    private HeadlineBench() {}

    public static List<BenchFigure> run(double scale, int rounds, Path quickstart, Consumer<String> progress)
            throws Exception {
        List<BenchFigure> out = new ArrayList<>();
        settle();
        progress.accept("durable command queue (fsync on, batches of 256, 4 producers)");
        // rounds of a fraction of a second: shorter ones measure fsync jitter, not the queue
        int commands = n(256_000, scale, 1024);
        Rounds actor = CommandQueueBench.actorRounds(256, commands, 4);
        Rounds raw = CommandQueueBench.rawRounds(256, commands);
        out.add(BenchFigure.ratio("durableCommandRatio",
                "commands consumed and durably persisted/s (batches of 256, 4 producers)", actor, raw, 0.5));
        settle();
        progress.accept("translation (hit path, bursts of 64)");
        TranslateBench.Results t = TranslateBench.run(rounds, n(10_000_000, scale, 4096));
        out.add(BenchFigure.ratio("translateBurstRatio",
                "translations/s, API port, IOTLB hits, bursts of 64 (event-driven device, 1 worker)", t.burst(),
                t.engine(), 0.5));
        settle();
        progress.accept("walks hitting the TCU's walk caches (TLB misses, bursts of 64, 1 worker)");
        WalkCacheBench.Results w = WalkCacheBench.run(rounds, n(1_000_000, scale, 4096));
        out.add(BenchFigure.ratio("walkCacheHitRatio", "walks/s on TLB misses hitting the level-2 walk cache, API "
                + "bursts of 64, 1 worker (floor: the same walks on the pure engine)", w.pool(), w.engine(), 0.5));
        settle();
        progress.accept("replay (state rebuild vs raw LevelDB iteration)");
        ReplayBench.Figures r = ReplayBench.measure(n(1_000_000, scale, 5_000), rounds);
        out.add(BenchFigure.ratio("replayRatio", "events/s of the replay tools' state rebuild", r.state(), r.raw(), 0.5));
        out.add(BenchFigure.absolute("singleTranslationsPerSecond", "single-request translations/s (API, hits)",
                t.single(), "/s"));
        out.add(BenchFigure.absolute("splitBurstTranslationsPerSecond",
                "bursts of 64 as above, 2 workers: every burst split between them", t.splitBurst(), "/s"));
        settle();
        progress.accept("map+unmap through the domain actor (fsync on)");
        int requests = n(400, scale, 20);
        out.add(BenchFigure.absolute("mapUnmapPerSecondBatch1", "map+unmap requests/s, batch 1",
                DomainMapBench.actorRounds(1, requests), "/s"));
        out.add(BenchFigure.absolute("mapUnmapPerSecondBatch512", "map+unmap requests/s, batch 512",
                DomainMapBench.actorRounds(512, requests), "/s"));
        settle();
        progress.accept("blocking translate, one call at a time, deterministic mode");
        StepTranslateBench.Results step = StepTranslateBench.run(rounds, n(10_000_000, scale, 4096));
        settle();
        progress.accept("simulation (quickstart): deterministic with its journal beside a raw LevelDB loop, "
                + "then --concurrent");
        SimulationBench.Figures sim = SimulationBench.measure(quickstart, n(200_000, scale, 1_000),
                n(100_000, scale, 1_000), rounds / 2 + 1);
        out.add(BenchFigure.absolute("simulatedOperationsPerSecond", "simulated operations/s, quickstart, "
                + "deterministic mode (model start excluded)", sim.operations(), "/s", 150_000));
        out.add(BenchFigure.ratio("timingOverheadRatio", "simulated operations/s with the timing model on "
                + "(floor: the same runs with it off, in the same rounds)", sim.operations(), sim.operationsUntimed(),
                0.7));
        out.add(BenchFigure.ratio("simulationJournalRatio", "journal records written/s during those runs "
                + "(floor: the same records, raw unsynced LevelDB JNI)", sim.journalRecords(),
                sim.rawJournalRecords(), 0.25));
        out.add(BenchFigure.ratio("stepTranslateRatio", "blocking translate/s on IOTLB hits, deterministic mode, "
                + "one caller thread", step.step(), step.floor(), 0.05));
        out.add(BenchFigure.absolute("concurrentCheckedTranslationsPerSecond", "translations checked/s, quickstart "
                + "--concurrent", sim.concurrentChecked(), "/s", 1_000_000));
        progress.accept("memory (1 GiB of 4K pages)");
        double bytes = PageTableMemory.bytesPerPageOneGiB();
        out.add(BenchFigure.absolute("bytesPerMapped4kPage", "bytes per mapped 4K page (1 GiB as 4K pages)",
                new Rounds(new double[] {bytes}), " B"));
        return out;
    }

    /** Each block starts on a collected heap: garbage of the one before must not be charged to it. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
    }

    private static int n(int full, double scale, int min) {
        return Math.max(min, (int) (full * scale));
    }
}
