package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.iommusim.actors.translate.TranslationPool;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;
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
import org.iommusim.protocol.event.CBadSte;
import org.iommusim.protocol.event.FPermission;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.internal.BurstSlots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hot-path port through a whole model on the LevelDB JNI journal: bursts split over two workers. */
class TranslationPortTest {
    /** Two TBUs: stream 3 on TBU 1, the rest on TBU 0, so a burst of both streams is split between two workers. */
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults().toBuilder()
            .tbus(List.of(TbuTlb.fullyAssociative(2048, IotlbPolicy.LRU, 1), TbuTlb.fullyAssociative(2048, IotlbPolicy.LRU, 2)))
            .streamTbus(java.util.Map.of(3, 1)).build();
    private static final DomainId D = DomainId.of(1);
    private static final long IOVA = 0x1000_0000L;
    private static final long PA = 0x8000_0000L;

    /** Stream 1: stage 1 over 16 read-write pages, then one read-only page; stream 3 is never configured. */
    private static Smmu model(IommuSim sim) {
        Smmu smmu = sim.addSmmu(0, CAPS);
        sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
        sim.map(D, MapBatch.of(new MapSegment(IOVA, PA, 16 * 0x1000L, Prot.rw()),
                new MapSegment(IOVA + 16 * 0x1000L, PA + 16 * 0x1000L, 0x1000, Prot.of(Prot.READ))));
        sim.writeCd(smmu, 1, 0, Cd.of(5, D));
        sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
        sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
        return smmu;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aBurstIsAnsweredAsSingleRequestsAreAndItsFaultsAreRecorded(@TempDir Path dir) throws Exception {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2))) {
            Smmu smmu = model(sim);
            TranslationPort port = sim.translationPort(smmu);
            TranslationBurst b = port.newBurst();
            List<TranslationRequest> requests = new ArrayList<>();
            for (int p = 0; p < 16; p++) {
                requests.add(TranslationRequest.of(1, IOVA + p * 0x1000L + 0x40, p % 3 == 0 ? Access.WRITE : Access.READ));
            }
            requests.add(TranslationRequest.of(1, IOVA + 16 * 0x1000L, Access.WRITE)); // read-only page
            requests.add(TranslationRequest.of(1, IOVA + 17 * 0x1000L, Access.READ)); // unmapped
            requests.add(TranslationRequest.of(3, IOVA, Access.READ)); // no STE loaded
            requests.add(TranslationRequest.of(1, IOVA + 0x80, Access.READ)); // a page already in this burst
            requests.forEach(b::add);
            TranslationPool pool = smmu.handles.pool();
            assertTrue(requests.stream().map(r -> pool.indexFor(r.sid(), r.iova())).distinct().count() == 2,
                    "the burst is split between the two workers");
            assertEquals(b, await(port.submit(b)));
            assertEquals(0x8000_3040L, b.outputAddress(3));
            assertInstanceOf(FPermission.class, ((Faulted) b.result(16)).event());
            assertInstanceOf(FTranslation.class, ((Faulted) b.result(17)).event());
            assertInstanceOf(CBadSte.class, ((Faulted) b.result(18)).event());
            for (int i = 0; i < requests.size(); i++) {
                // the same request again, alone: the IOTLB now holds what the burst filled
                TranslationResult alone = sim.translate(smmu, requests.get(i));
                assertEquals(alone, b.result(i), "request " + i);
            }
            List<SmmuEvent> events = sim.readEvents(smmu, 64);
            assertEquals(6, events.size(), "three faults from the burst, three from the same requests alone: " + events);
            assertEquals(3, b.untranslated());
        }
    }

    @Test
    void emptyOversizedAndInFlightBurstsAreRefusedByName(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2))) {
            Smmu smmu = model(sim);
            TranslationPort port = sim.translationPort(smmu);
            assertEquals(ModelException.Kind.BURST_EMPTY, assertThrows(ModelException.class, () -> port.submit(port.newBurst())).kind());
            TranslationBurst big = new TranslationBurst(port.maxBurst() + 1);
            for (int i = 0; i <= port.maxBurst(); i++) {
                big.add(1, IOVA, Access.READ);
            }
            ModelException tooLarge = assertThrows(ModelException.class, () -> port.submit(big));
            assertEquals(ModelException.Kind.BURST_TOO_LARGE, tooLarge.kind());
            assertTrue(tooLarge.getMessage().contains("got " + (port.maxBurst() + 1)), tooLarge.getMessage());
            TranslationBurst held = port.newBurst();
            held.add(1, IOVA, Access.READ);
            BurstSlots.markSubmitted(held); // as if the model held it
            assertEquals(ModelException.Kind.BURST_IN_FLIGHT, assertThrows(ModelException.class, () -> port.submit(held)).kind());
            // the list form answers as the port does: empty is BURST_EMPTY, too many BURST_TOO_LARGE
            assertEquals(ModelException.Kind.BURST_EMPTY, assertThrows(ModelException.class,
                    () -> sim.translateBurst(smmu, List.of())).kind());
            List<TranslationRequest> many = java.util.Collections.nCopies(port.maxBurst() + 1,
                    TranslationRequest.of(1, IOVA, Access.READ));
            assertEquals(ModelException.Kind.BURST_TOO_LARGE, assertThrows(ModelException.class,
                    () -> sim.translateBurst(smmu, many)).kind());
        }
    }

    @Test
    void aCallbackThatThrowsDoesNotStopTheWorkers(@TempDir Path dir) throws Exception {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2))) {
            Smmu smmu = model(sim);
            TranslationPort port = sim.translationPort(smmu);
            for (int round = 0; round < 3; round++) {
                TranslationBurst b = port.newBurst();
                for (int p = 0; p < 16; p++) {
                    b.add(1, IOVA + p * 0x1000L, Access.READ);
                }
                CountDownLatch called = new CountDownLatch(1);
                port.submit(b, done -> {
                    called.countDown();
                    throw new IllegalStateException("a device model's bug");
                });
                assertTrue(called.await(30, TimeUnit.SECONDS));
                port.translate(TranslationRequest.of(1, IOVA, Access.READ), r -> {});
            }
            // both workers still answer: a burst over all 16 pages, split between them
            TranslationBurst all = port.newBurst();
            for (int p = 0; p < 16; p++) {
                all.add(1, IOVA + p * 0x1000L + 8, Access.READ);
            }
            TranslationBurst done = await(port.submit(all));
            for (int p = 0; p < 16; p++) {
                assertEquals(PA + p * 0x1000L + 8, done.outputAddress(p));
            }
        }
    }

    /** The facade's asynchronous translations are bounded by the call timeout, as its asks are. */
    @Test
    void anAsyncTranslationThatGetsNoAnswerFailsWithTimeout(@TempDir Path dir) throws Exception {
        ModelOptions opts = new ModelOptions(dir, true, 1, 64, java.time.Duration.ofMillis(500));
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = model(sim);
            TranslationPort port = sim.translationPort(smmu);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TranslationBurst blocker = port.newBurst();
            blocker.add(1, IOVA, Access.READ);
            port.submit(blocker, b -> { // holds the only worker's thread
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                assertTrue(entered.await(30, TimeUnit.SECONDS));
                var late = sim.translateAsync(smmu, TranslationRequest.of(1, IOVA, Access.READ)).toCompletableFuture();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> late.get(30, TimeUnit.SECONDS));
                ModelException timeout = assertInstanceOf(ModelException.class, e.getCause());
                assertEquals(ModelException.Kind.TIMEOUT, timeout.kind());
                assertEquals(ModelException.Kind.TIMEOUT, assertThrows(ModelException.class,
                        () -> sim.translate(smmu, TranslationRequest.of(1, IOVA, Access.READ))).kind());
            } finally {
                release.countDown();
            }
            assertInstanceOf(Translated.class, sim.translate(smmu, TranslationRequest.of(1, IOVA, Access.READ)));
        }
    }

    /**
     * Several device threads and completion callbacks submitting at once,
     * while the workers keep emptying their inboxes and ringing again: every
     * burst is answered, and answered right (a part left in an inbox would
     * leave its burst waiting).
     */
    @Test
    void concurrentSubmittersAreAllAnsweredRight(@TempDir Path dir) throws Exception {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2).withFsync(false))) {
            Smmu smmu = model(sim);
            TranslationPort port = sim.translationPort(smmu);
            int threads = 4;
            int each = 3000;
            CountDownLatch answered = new CountDownLatch(threads * each * 2);
            AtomicInteger wrong = new AtomicInteger();
            List<Thread> devices = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                devices.add(new Thread(() -> {
                    for (int n = 0; n < each; n++) {
                        TranslationBurst b = port.newBurst();
                        for (int p = 0; p < 1 + (n + first) % 16; p++) {
                            b.add(1, IOVA + ((p + n) % 16) * 0x1000L + p, Access.READ);
                        }
                        port.submit(b, done -> {
                            check(done, wrong);
                            answered.countDown();
                            done.clear(); // and once more from the callback, as an event-driven device does
                            done.add(1, IOVA + (first % 16) * 0x1000L, Access.READ);
                            port.submit(done, again -> {
                                check(again, wrong);
                                answered.countDown();
                            });
                        });
                    }
                }));
            }
            devices.forEach(Thread::start);
            for (Thread d : devices) {
                d.join();
            }
            assertTrue(answered.await(60, TimeUnit.SECONDS), answered.getCount() + " bursts unanswered");
            assertEquals(0, wrong.get());
            assertEquals(0, smmu.handles.pool().inFlight());
        }
    }

    private static void check(TranslationBurst b, AtomicInteger wrong) {
        for (int i = 0; i < b.size(); i++) {
            if (!b.translated(i) || b.outputAddress(i) != PA + (b.iova(i) - IOVA)) {
                wrong.incrementAndGet();
            }
        }
    }

    /** A clean close writes the fills held back for a batch: reopened, the IOTLB holds every page translated. */
    @Test
    void aCleanCloseLosesNoFill(@TempDir Path dir) throws Exception {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(2);
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = model(sim);
            TranslationBurst b = sim.translationPort(smmu).newBurst();
            for (int p = 0; p < 16; p++) {
                b.add(1, IOVA + p * 0x1000L, Access.READ);
            }
            assertEquals(0, await(sim.translationPort(smmu).submit(b)).untranslated());
        }
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            SmmuStatistics stats = sim.statistics(smmu);
            assertEquals(16, stats.fills(), "every fill came back from the journal: " + stats);
            TranslationRequest r = TranslationRequest.of(1, IOVA + 0x7000, Access.READ);
            sim.translate(smmu, r);
            assertEquals(1, sim.statistics(smmu).hits(), "and answers from the rebuilt IOTLB");
        }
    }

    /**
     * One worker held up (a callback that blocks its thread): bursts for it
     * pile up to the pool's in-flight limit, the rest wait in order, none is
     * dropped, and all are answered once the worker runs again.
     */
    @Test
    void pastTheInFlightLimitBurstsWaitAndNoneIsLost(@TempDir Path dir) throws Exception {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2))) {
            Smmu smmu = model(sim);
            TranslationPort port = sim.translationPort(smmu);
            TranslationPool pool = smmu.handles.pool();
            int shard = pool.indexFor(1, IOVA);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TranslationBurst blocker = port.newBurst();
            blocker.add(1, IOVA, Access.READ);
            port.submit(blocker, b -> {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            int extra = 100;
            int n = TranslationPool.IN_FLIGHT_LIMIT + extra;
            CountDownLatch answered = new CountDownLatch(n);
            AtomicInteger translated = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                TranslationBurst b = port.newBurst();
                b.add(1, IOVA + 0x10 + i % 0x100, Access.READ); // same page: same (held-up) worker
                port.submit(b, done -> {
                    translated.addAndGet(done.translated(0) && done.outputAddress(0) == PA + done.iova(0) - IOVA ? 1 : 0);
                    answered.countDown();
                });
            }
            assertEquals(shard, pool.indexFor(1, IOVA + 0x10));
            assertEquals(TranslationPool.IN_FLIGHT_LIMIT, pool.inFlight());
            assertEquals(extra, pool.waiting());
            release.countDown();
            assertTrue(answered.await(60, TimeUnit.SECONDS), answered.getCount() + " bursts unanswered");
            assertEquals(n, translated.get());
            assertEquals(0, pool.inFlight());
            assertEquals(0, pool.waiting());
        }
    }
}
