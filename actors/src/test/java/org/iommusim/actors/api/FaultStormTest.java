package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.testing.DropCounter;
import org.iommusim.persistence.evtq.EventQueue;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue M: a fault storm (one request in five faults, from three threads)
 * while the VMM detaches and re-attaches the device in a loop for 30 s. Every
 * command and sync completes, nothing is dropped, and the event queue
 * accounts for every fault offered: recorded (queued, consumed or lost to
 * overflow) equals the faults the translations reported.
 */
class FaultStormTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final long STORM_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aFaultStormWithAttachDetachLosesNothingAndWedgesNothing(@TempDir Path dir) throws Exception {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2).withFsync(false))) {
            DropCounter drops = DropCounter.on(ModelInternals.actorSystem(sim), "drop-counter");
            Smmu smmu = sim.addSmmu(0, CAPS);
            LifecycleTest.attach(sim, smmu, 1); // 16 pages mapped at 0x1000_0000
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong offered = new AtomicLong();
            AtomicLong translations = new AtomicLong();
            long end = System.nanoTime() + STORM_NANOS;

            List<CompletableFuture<Void>> devices = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long seed = t;
                devices.add(CompletableFuture.runAsync(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    while (!stop.get()) {
                        TranslationResult r = sim.translate(smmu, request(rnd));
                        translations.incrementAndGet();
                        if (r instanceof Faulted) {
                            offered.incrementAndGet();
                        }
                    }
                }, daemon()));
            }
            devices.add(CompletableFuture.runAsync(() -> {
                SplittableRandom rnd = new SplittableRandom(99);
                TranslationPort port = sim.translationPort(smmu);
                TranslationBurst b = port.newBurst();
                while (!stop.get()) {
                    b.clear();
                    for (int i = 0; i < 32; i++) {
                        b.add(request(rnd));
                    }
                    TranslationBurst done = port.submit(b).join();
                    for (int i = 0; i < done.size(); i++) {
                        if (done.result(i) instanceof Faulted) {
                            offered.incrementAndGet();
                        }
                    }
                    translations.addAndGet(done.size());
                }
            }, daemon()));

            int cycles = 0;
            while (System.nanoTime() < end) {
                sim.writeSte(smmu, 1, Ste.abort());
                sim.submitAndWait(smmu, List.of(new CfgiSte(1, true), CmdSync.poll()));
                sim.writeSte(smmu, 1, Ste.stage1(0, org.iommusim.protocol.config.S1Dss.SSID0));
                sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
                // the VMM's event reader
                List<?> read = sim.readEvents(smmu, 64);
                sim.acknowledgeEvents(smmu, read.size());
                cycles++;
            }
            stop.set(true);
            CompletableFuture.allOf(devices.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            assertTrue(cycles > 10, "attach/detach went on during the storm: " + cycles);
            assertTrue(offered.get() > 1000, "the storm offered faults: " + offered.get());

            // the channel drains behind the last translation: wait for it (bounded), then account for every fault
            EventQueue q = ModelInternals.smmuState(sim, smmu).events();
            for (int i = 0; i < 200 && q.recorded() < offered.get(); i++) {
                Thread.sleep(50);
                q = ModelInternals.smmuState(sim, smmu).events();
            }
            assertEquals(offered.get(), q.recorded(), "every fault offered is recorded: queued, consumed or lost");
            assertEquals(q.recorded(), q.records().size() + q.consumed() + q.lost(), "and accounted for once");
            assertTrue(q.lost() > 0 && q.overflow(), "a storm overflows the queue, as hardware does");
            // and the command queue still completes syncs
            sim.submitAndWait(smmu, List.of(CmdSync.poll()));
            assertEquals(List.of(), drops.lost(), "nothing dropped, nothing to dead letters");
        }
    }

    /** One in five requests faults: it touches a page that was never mapped. */
    private static TranslationRequest request(SplittableRandom rnd) {
        boolean fault = rnd.nextInt(5) == 0;
        long page = fault ? 0x100 + rnd.nextInt(16) : rnd.nextInt(16);
        return TranslationRequest.of(1, 0x1000_0000L + page * 0x1000 + rnd.nextInt(0x1000), Access.READ);
    }

    private static java.util.concurrent.Executor daemon() {
        return r -> {
            Thread t = new Thread(r, "storm-device");
            t.setDaemon(true);
            t.start();
        };
    }
}
