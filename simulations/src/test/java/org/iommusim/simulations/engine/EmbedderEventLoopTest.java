package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhAsid;
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
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.simulations.scenario.Costs;
import org.iommusim.simulations.scenario.DriverDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedder's discrete-event loop drives the model in virtual time: its
 * own events and the lazy driver's flush timer in one queue, the model moved
 * with {@code advanceTo} to each event's time before it runs. The flush
 * comes exactly 10 ms (virtual) after the unmap it covers: a late DMA one
 * nanosecond before still hits the stale IOTLB entry, one after faults.
 */
class EmbedderEventLoopTest {
    private static final int SID = 16;
    private static final long MS = 1_000_000L;

    /** One event of the embedder's own simulator. */
    private record Event(long at, String what) {}

    @Test
    void aHandWrittenEventLoopSeesTheLazyFlushAtExactlyTenMillisecondsOfVirtualTime(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            DomainId id = DomainId.of(1);
            DomainSpec spec = DomainSpec.stage1(Granule.G4K, 48, 48, 1);
            sim.allocateDomain(id, spec, smmu);
            sim.writeCd(smmu, SID, 0, Cd.of(1, id));
            sim.writeSte(smmu, SID, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(SID, false), CmdSync.poll()));
            DomainCtx domain = new DomainCtx(id, spec, smmu, 0);
            List<long[]> fired = new ArrayList<>();
            RunObserver observer = new RunObserver() {
                @Override
                public void lazyTimer(int cpu, long oldestAt, long at) {
                    fired.add(new long[] {oldestAt, at, sim.virtualNanos()});
                }
            };
            DriverDef lazy = new DriverDef(DriverDef.Strategy.LAZY, DriverDef.Invalidation.RANGE, 512, 64, 256,
                    10 * MS, 1, DriverDef.Stage2Invalidation.S12_VMALL);
            Driver driver = new Driver(Models.local(sim), lazy, new History(), new Checker(dir.toString()),
                    new Metrics(Costs.defaults(), MS), new Faults(List.of()), 300, new Object(), observer);
            driver.ctxOf = r -> domain;

            PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
            events.add(new Event(MS, "map, DMA, unmap"));
            List<MapRecord> buffer = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            while (!events.isEmpty() || driver.nextTimer() != Long.MAX_VALUE) {
                long timerAt = driver.nextTimer();
                if (timerAt <= (events.isEmpty() ? Long.MAX_VALUE : events.peek().at())) {
                    sim.advanceTo(timerAt); // the model's own timers due by then fire first, each at its time
                    driver.timer(Clock.virtual(timerAt));
                    continue;
                }
                Event e = events.poll();
                sim.advanceTo(e.at());
                Clock c = Clock.virtual(e.at());
                switch (e.what()) {
                    case "map, DMA, unmap" -> {
                        buffer.addAll(driver.map(domain, 0x8000_0000L, 4096, 1, Prot.rw(), SID, 0, c));
                        assertInstanceOf(Translated.class, dma(sim, smmu, buffer.get(0)), "mapped: translated");
                        driver.unmap(domain, buffer, 0, null, c); // lazy: queued, the IOVA not yet invalidated
                        long due = buffer.get(0).unmapAt + 10 * MS;
                        events.add(new Event(due - 1, "late DMA before the flush"));
                        events.add(new Event(due + 1, "late DMA after the flush"));
                    }
                    default -> seen.add(e.what() + ": " + dma(sim, smmu, buffer.get(0)).getClass().getSimpleName());
                }
            }
            MapRecord r = buffer.get(0);
            assertEquals(1, fired.size(), "one flush, by the timer");
            assertEquals(r.unmapAt, fired.get(0)[0], "the queue's oldest entry is the unmap");
            assertEquals(r.unmapAt + 10 * MS, fired.get(0)[1], "the timer fired exactly 10 ms after it");
            assertEquals(fired.get(0)[1], fired.get(0)[2], "with the model's virtual clock exactly there");
            assertEquals(List.of("late DMA before the flush: Translated", "late DMA after the flush: Faulted"), seen,
                    "the stale IOTLB entry serves until the flush, and not after");
        }
    }

    /** An event of the example's simulator: what happens at a virtual time. */
    private record Step(long at, Runnable action) {}

    /**
     * The example of docs/EMBEDDING.md ("Driving the model from your own
     * event loop"), public API only: the embedder's own lazy flush, one
     * TLBI_NH_ASID and CMD_SYNC 10 ms (virtual) after the first unmap queued.
     */
    @Test
    void theDocumentedEventLoopFlushesAtExactlyTenMilliseconds(@TempDir Path dir) {
        long iova = 0x1000_0000L;
        List<String> seen = new ArrayList<>();
        long[] flushedAt = {-1};
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            DomainId domain = DomainId.of(1);
            sim.allocateDomain(domain, DomainSpec.stage1(Granule.G4K, 48, 48, 1), smmu);
            sim.writeCd(smmu, SID, 0, Cd.of(1, domain));
            sim.writeSte(smmu, SID, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(SID, false), CmdSync.poll()));
            TranslationRequest dma = TranslationRequest.of(SID, iova, Access.WRITE);

            PriorityQueue<Step> events = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
            List<Long> flushQueue = new ArrayList<>();
            events.add(new Step(MS, () -> {
                sim.map(domain, MapBatch.single(iova, 0x8000_0000L, 4096, Prot.rw()));
                seen.add("mapped: " + sim.translate(smmu, dma).getClass().getSimpleName());
                sim.unmap(domain, UnmapBatch.single(iova, 4096));
                if (flushQueue.isEmpty()) { // the first entry arms the flush, 10 ms from now
                    events.add(new Step(sim.virtualNanos() + 10 * MS, () -> {
                        sim.submitAndWait(smmu, List.of(new TlbiNhAsid(0, 1), CmdSync.poll()));
                        flushQueue.clear();
                        flushedAt[0] = sim.virtualNanos();
                    }));
                }
                flushQueue.add(iova);
                events.add(new Step(sim.virtualNanos() + 10 * MS - 1,
                        () -> seen.add("before: " + sim.translate(smmu, dma).getClass().getSimpleName())));
                events.add(new Step(sim.virtualNanos() + 10 * MS + 1,
                        () -> seen.add("after: " + sim.translate(smmu, dma).getClass().getSimpleName())));
            }));
            while (!events.isEmpty()) {
                Step e = events.poll();
                sim.advanceTo(e.at()); // the model's own timers due by then fire first, each at its time
                e.action().run(); // blocking calls run the model on this thread, taking no virtual time
            }
        }
        assertEquals(11 * MS, flushedAt[0], "flushed exactly 10 ms after the unmap, and the sync took no virtual time");
        assertEquals(List.of("mapped: Translated", "before: Translated", "after: Faulted"), seen,
                "the stale IOTLB entry serves until the flush, and not after");
    }

    private static TranslationResult dma(IommuSim sim, Smmu smmu, MapRecord r) {
        return sim.translate(smmu, TranslationRequest.of(SID, r.iova + 0x40, Access.WRITE));
    }
}
