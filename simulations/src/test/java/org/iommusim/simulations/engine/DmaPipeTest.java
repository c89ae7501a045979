package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device's asynchronous DMA on the threaded model: accesses go out in
 * bursts, several in flight; every answer is checked on the device's thread
 * in the order sent, and what waits for a DMA runs only after its answer.
 */
class DmaPipeTest {
    private static final int SID = 16;
    private static final long IOVA = 0x10_0000L;
    private static final long PA = 0x8000_0000L;

    @Test
    void burstsGoOutSeveralInFlightAndEveryAnswerIsCheckedBeforeWhatWaitsForIt(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 1), smmu);
            sim.map(d, MapBatch.single(IOVA, PA, 64 * 4096, Prot.rw()));
            sim.writeCd(smmu, SID, 0, Cd.of(1, d));
            sim.writeSte(smmu, SID, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(SID, false), CmdSync.poll()));

            DomainSpec spec = DomainSpec.stage1(Granule.G4K, 48, 48, 1);
            Device device = new Devices.RandomAccess("dev", SID, 0, 0, null, null, new DomainCtx(d, spec, smmu, 0), 0);
            Thread me = Thread.currentThread();
            List<Long> checked = new ArrayList<>();
            List<String> order = new ArrayList<>();
            int[] wrong = new int[1];
            DmaPipe pipe = new DmaPipe(device, sim.translationPort(smmu), (dev, sentAt, b) -> {
                assertEquals(me, Thread.currentThread(), "checked on the device's thread");
                for (int i = 0; i < b.size(); i++) {
                    checked.add(b.iova(i));
                    if (!b.translated(i) || b.outputAddress(i) != PA + (b.iova(i) - IOVA)) {
                        wrong[0]++;
                    }
                }
            }, Clock.real(System.nanoTime()));
            int accesses = 10_000;
            for (int i = 0; i < accesses; i++) {
                pipe.dma(IOVA + (i * 4160L) % (64 * 4096), Access.WRITE);
                if (i % 100 == 99) {
                    int upTo = i + 1;
                    pipe.afterDma(() -> order.add(upTo + " after " + checked.size()));
                }
                pipe.poll();
            }
            pipe.finish();
            assertEquals(accesses, checked.size(), "every access answered and checked once");
            assertEquals(0, wrong[0], "each translated to its page");
            for (int i = 0; i < accesses; i++) {
                assertEquals(IOVA + (i * 4160L) % (64 * 4096), checked.get(i), "checked in the order issued");
            }
            assertEquals(accesses / 100, order.size(), "every release ran");
            for (String o : order) {
                String[] parts = o.split(" after ");
                assertTrue(Long.parseLong(parts[1]) >= Long.parseLong(parts[0]),
                        "a release runs only after the accesses before it were checked: " + o);
            }
            assertTrue(pipe.bursts() >= accesses / sim.translationPort(smmu).maxBurst(), "bursts: " + pipe.bursts());
            assertTrue(pipe.peakInFlight() > 1, "several bursts in flight at once: " + pipe.peakInFlight());
            assertTrue(pipe.peakInFlight() <= DmaPipe.IN_FLIGHT, "never more than the limit");
        }
    }
}
