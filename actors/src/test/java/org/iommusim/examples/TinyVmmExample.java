package org.iommusim.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.iommusim.actors.api.FaultDetail;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuListener;
import org.iommusim.actors.api.TranslationDetail;
import org.iommusim.actors.iommufd.GuestRam;
import org.iommusim.actors.iommufd.GuestSte;
import org.iommusim.actors.iommufd.HwInfo;
import org.iommusim.actors.iommufd.HwptData;
import org.iommusim.actors.iommufd.HwptFlags;
import org.iommusim.actors.iommufd.InvalidationResult;
import org.iommusim.actors.iommufd.IommufdHost;
import org.iommusim.actors.iommufd.Vevent;
import org.iommusim.actors.iommufd.Veventq;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.EventCodec;
import org.iommusim.protocol.event.EventId;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny VMM of docs/EMBEDDING.md, compiled and run as a JUnit test (this
 * class itself: Surefire runs {@code *Example} classes). It lives outside the
 * host's package so that it can use only public API, as an embedder would: a
 * VMM checks the SMMU with {@code IOMMU_GET_HW_INFO}, gives two devices to a
 * guest behind a virtual SMMU, and hears the guest's faults through a vEVENTQ;
 * the guest owns stage 1, the host stage 2; DMA runs through both devices,
 * and unmaps on either side take effect only through the invalidations each
 * side is allowed to send.
 */
public class TinyVmmExample {
    static final long GUEST_RAM_IPA = 0x4000_0000L;   // where the guest sees its RAM
    static final long HOST_RAM_PA = 0x8_0000_0000L;   // what backs it on the host
    static final long GUEST_RAM_SIZE = 0x20_0000L;     // 2 MiB
    static final long CD_TABLE_IPA = GUEST_RAM_IPA + 0x10_0000L;
    static final long DMA_VA = 0x1000_0000L;          // the guest's DMA address for each device
    static final int[] PSID = {0x10, 0x11};           // physical StreamIDs
    static final int[] VSID = {1, 2};                 // what the guest calls them

    @Test
    void twoDevicesBehindAVirtualSmmuDoDma(@TempDir Path dir) throws InterruptedException {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            IommufdHost host = IommufdHost.open(sim, smmu);
            HwInfo hw = host.getHwInfo(); // IOMMU_GET_HW_INFO, as QEMU's accel mode reads it
            assertEquals(HwInfo.TYPE_ARM_SMMUV3, hw.outDataType());
            int idr0 = hw.data().idr().idr0();
            assertEquals(0b11, idr0 & 0b11, "a virtual SMMU needs both stages (IDR0.S1P, IDR0.S2P)");

            // VMM: guest RAM in an IOAS, a nest-parent stage-2 HWPT on it, and a vSMMU over that
            int ioas = host.ioasAlloc();
            host.ioasMap(ioas, GUEST_RAM_IPA, HOST_RAM_PA, GUEST_RAM_SIZE, Prot.rw());
            int s2 = host.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null);
            int vsmmu = host.viommuAlloc(s2);

            // VMM: a vEVENTQ for the guest's faults, and a listener standing for the eventfd the VMM polls
            int veventq = host.veventqAlloc(vsmmu, Veventq.TYPE_ARM_SMMUV3, 16);
            CountDownLatch faultReported = new CountDownLatch(1);
            sim.addListener(smmu, new SmmuListener() {
                @Override
                public void onEvents(Smmu s, List<SmmuEvent> records) {
                    faultReported.countDown(); // called after the host's own router: the vEVENT is queued
                }
            });

            // VMM: each device gets a virtual StreamID, and the guest's STE (stage 1) as a nested HWPT
            HwptData guestSte = GuestSte.stage1(CD_TABLE_IPA, 0, S1Dss.SSID0).toHwptData();
            int nested = host.hwptAlloc(vsmmu, 0, guestSte);
            for (int i = 0; i < 2; i++) {
                host.vdeviceAlloc(vsmmu, VSID[i], PSID[i]);
                host.attach(PSID[i], nested);
            }

            // guest driver: a stage-1 table per device (ASID 1 and 2), a buffer each, CDs, then CFGI_CD
            GuestRam ram = host.guestRam(vsmmu);
            DomainId[] tables = new DomainId[2];
            for (int i = 0; i < 2; i++) {
                tables[i] = ram.newStage1Table(i + 1);
                ram.map(tables[i], DMA_VA, GUEST_RAM_IPA + i * 0x1000L, 0x1000, Prot.rw());
                ram.writeCd(VSID[i], 0, i + 1, tables[i]);
            }
            InvalidationResult cfgi = host.invalidate(vsmmu,
                    List.of(new CfgiCd(VSID[0], 0, true).encode(), new CfgiCd(VSID[1], 0, true).encode()));
            assertEquals(2, cfgi.entriesHandled());

            // devices: DMA through both, guest VA -> IPA (guest stage 1) -> PA (host stage 2)
            for (int i = 0; i < 2; i++) {
                TranslationResult r = dma(sim, smmu, PSID[i], DMA_VA + 0x40);
                assertEquals(HOST_RAM_PA + i * 0x1000L + 0x40, ((Translated) r).outputAddress());
            }

            // guest: unmap device 0's buffer and invalidate it; VMID 0 is overwritten with the vSMMU's
            ram.unmap(tables[0], DMA_VA, 0x1000);
            assertTrue(host.invalidate(vsmmu, List.of(TlbiNhVa.of(0, 1, DMA_VA, true).encode())).ok());
            FaultDetail s1Fault = FaultDetail.of(dma(sim, smmu, PSID[0], DMA_VA)).orElseThrow();
            assertEquals(EventId.F_TRANSLATION, s1Fault.id());
            assertEquals(Optional.of(FaultDetail.Stage.STAGE_1), s1Fault.stage(), "the guest's own fault");
            assertInstanceOf(Translated.class, dma(sim, smmu, PSID[1], DMA_VA), "device 1 is untouched");

            // VMM: the fault reaches the guest through the vEVENTQ, with device 0's virtual StreamID
            assertTrue(faultReported.await(30, TimeUnit.SECONDS), "the event-queue interrupt came");
            List<Vevent> vevents = host.veventqRead(veventq, 4096);
            assertEquals(1, vevents.size(), vevents.toString());
            SmmuEvent forGuest = (SmmuEvent) EventCodec.decode(vevents.get(0).record().orElseThrow());
            assertEquals(VSID[0], forGuest.sid(), "the guest sees its own StreamID");
            assertEquals(EventId.F_TRANSLATION, forGuest.id());

            // VMM: take the guest's RAM away; the host invalidates stage 2 and the nested entries itself
            assertEquals(GUEST_RAM_SIZE, host.ioasUnmap(ioas, GUEST_RAM_IPA, GUEST_RAM_SIZE));
            TranslationDetail lost = sim.translateDetailed(smmu, TranslationRequest.of(PSID[1], DMA_VA, Access.READ));
            FaultDetail s2Fault = lost.fault().orElseThrow();
            assertTrue(s2Fault.isStage2(), "the VMM's fault, not the guest's: " + s2Fault);
            assertEquals(Optional.of(EventClass.INPUT_ADDRESS), s2Fault.eventClass());
            assertEquals(GUEST_RAM_IPA + 0x1000L, s2Fault.ipa().orElseThrow() & ~0xfffL, "the IPA stage 2 refused");
        }
    }

    private static TranslationResult dma(IommuSim sim, Smmu smmu, int sid, long va) {
        return sim.translate(smmu, TranslationRequest.of(sid, va, Access.READ));
    }
}
