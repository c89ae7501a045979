package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.SyncCompletion;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's interrupt callbacks: EVTQ records, overflow, CMD_SYNC MSIs and SEVs, GERROR. */
class InterruptListenerTest {

    /** Everything a listener heard, with the thread each call ran on. */
    static final class Heard implements SmmuListener {
        final List<Object> calls = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final List<SmmuEvent> records = Collections.synchronizedList(new ArrayList<>());
        long lost;

        private void heard(Object o) {
            calls.add(o);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void onEvents(Smmu smmu, List<SmmuEvent> r) {
            records.addAll(r);
            heard(List.copyOf(r));
        }

        @Override
        public synchronized void onEventQueueOverflow(Smmu smmu, long n, long total) {
            lost += n;
            heard("lost " + n + " of " + total);
        }

        @Override
        public void onSyncCompleted(Smmu smmu, SyncSignal signal) {
            heard(signal);
        }

        @Override
        public void onGlobalError(Smmu smmu, GlobalError error) {
            heard(error);
        }
    }

    private static final DomainId D = DomainId.of(1);

    /** SID 1 translates through an empty stage-1 domain: every DMA faults. */
    private static Smmu faultingStream(IommuSim sim, SmmuCapabilities caps) {
        Smmu smmu = sim.addSmmu(0, caps);
        sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
        sim.writeCd(smmu, 1, 0, Cd.of(5, D));
        sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
        sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
        return smmu;
    }

    @Test
    void aSyncWithCsIrqWritesItsMsiOnTheCallersThread(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            Heard h = new Heard();
            sim.addListener(smmu, h);
            sim.submitAndWait(smmu, List.of(CmdSync.poll(), CmdSync.irq(0x0008_0000_0040L, 0xCAFE_F00D),
                    new CmdSync(SyncCompletion.SEV, 0, 0, 0, 0)));
            // delivered before the call returned, on this thread
            assertEquals(List.of(new SyncSignal(1, SyncCompletion.IRQ, 0x0008_0000_0040L, 0xCAFE_F00D, 0, 0),
                    new SyncSignal(2, SyncCompletion.SEV, 0, 0, 0, 0)), h.calls);
            assertEquals(List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), h.threads);
            assertTrue(((SyncSignal) h.calls.get(0)).isMsi());
            assertTrue(sim.removeListener(h));
            sim.submitAndWait(smmu, List.of(CmdSync.irq(0x1000, 1)));
            assertEquals(2, h.calls.size(), "a removed listener hears nothing more");
            assertFalse(sim.removeListener(h));
        }
    }

    @Test
    void aCommandErrorRaisesCmdqErr(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            Heard h = new Heard();
            sim.addListener(smmu, h);
            long prod = sim.submitRaw(smmu, List.of(CmdSync.poll().encode(), new RawCommand(0xFF, 0)));
            ModelException e = assertThrows(ModelException.class, () -> sim.awaitConsumed(smmu, prod - 1));
            assertEquals(ModelException.Kind.CERROR_ILL, e.kind());
            assertEquals(1, h.calls.size(), h.calls.toString());
            GlobalError g = assertInstanceOf(GlobalError.class, h.calls.get(0));
            assertEquals(GlobalError.Kind.CMDQ_ERR, g.kind());
            assertEquals(1, g.index());
            assertEquals(CommandErrorCode.ILL, g.code());
            // resumed with a CMD_SYNC in its place, as Linux does: the queue goes on, no new error
            sim.resume(smmu, CmdSync.irq(0x2000, 2).encode());
            sim.awaitConsumed(smmu, prod - 1);
            assertEquals(new SyncSignal(1, SyncCompletion.IRQ, 0x2000, 2, 0, 0), h.calls.get(1));
        }
    }

    @Test
    void faultRecordsRaiseTheEventQueueInterruptAndAFullQueueTheOverflow(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = faultingStream(sim, SmmuCapabilities.builder().eventqs(2).build()); // 4 records
            Heard h = new Heard();
            sim.addListener(smmu, h);
            for (int i = 0; i < 7; i++) {
                assertInstanceOf(Faulted.class, sim.translate(smmu,
                        TranslationRequest.of(1, 0x1000_0000L + i * 0x1000L, Access.READ)));
            }
            sim.runUntilIdle(); // the fault records reach the queue; the listeners hear it here
            assertEquals(sim.readEvents(smmu, 16), h.records, "the listener heard exactly what was queued");
            assertEquals(4, h.records.size());
            assertEquals(3, h.lost, "7 faults, 4 queued, 3 lost");
        }
    }

    @Test
    void aListenerMayCallTheModelAndOneThatThrowsStopsNothing(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = faultingStream(sim, SmmuCapabilities.defaults());
            List<Integer> drained = new ArrayList<>();
            sim.addListener(smmu, new SmmuListener() {
                @Override
                public void onEvents(Smmu s, List<SmmuEvent> records) {
                    throw new IllegalStateException("a buggy handler");
                }
            });
            sim.addListener(smmu, new SmmuListener() {
                @Override
                public void onEvents(Smmu s, List<SmmuEvent> records) {
                    // an EVTQ handler as a driver writes it: read and acknowledge, blocking
                    drained.add(sim.readEvents(s, 64).size());
                    sim.acknowledgeEvents(s, records.size());
                }
            });
            sim.translate(smmu, TranslationRequest.of(1, 0x1000_0000L, Access.READ));
            sim.runUntilIdle();
            assertEquals(List.of(1), drained);
            assertEquals(1, sim.listenerFailures());
            assertEquals(List.of(), sim.readEvents(smmu, 64), "the handler acknowledged the record");
            sim.translate(smmu, TranslationRequest.of(1, 0x2000_0000L, Access.READ));
            sim.runUntilIdle();
            assertEquals(List.of(1, 1), drained, "both listeners stay registered");
            assertEquals(2, sim.listenerFailures());
        }
    }

    @Test
    void threadedCallbacksRunOnTheInterruptThreadAndMayBlockOnTheModel(@TempDir Path dir) throws Exception {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            CompletableFuture<String> heard = new CompletableFuture<>();
            sim.addListener(smmu, new SmmuListener() {
                @Override
                public void onSyncCompleted(Smmu s, SyncSignal signal) {
                    // a blocking call from the callback: the SMMU is not waiting for this thread
                    sim.submitAndWait(s, List.of(CmdSync.poll()));
                    heard.complete(Thread.currentThread().getName() + " " + Long.toHexString(signal.msiAddress())
                            + " " + Integer.toHexString(signal.msiData()));
                }
            });
            sim.submitAndWait(smmu, List.of(CmdSync.irq(0x0008_0000_0040L, 0xBEEF)));
            assertEquals("iommu-sim-interrupts 800000040 beef", heard.get(30, TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class, () -> sim.addListener(smmu, null));
        }
    }
}
