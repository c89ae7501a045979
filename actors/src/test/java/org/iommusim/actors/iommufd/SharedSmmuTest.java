package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two VMMs (two hosts) on one SMMU. IOTLB entries are tagged by VMID and ASID,
 * not by StreamID, so two VMs sharing a VMID would share cached translations:
 * tags come from the SMMU's allocator, and a freed one only after its flush.
 */
class SharedSmmuTest {
    private static final long PA_A = NestedRig.PA;
    private static final long PA_B = NestedRig.PA + 0x100_0000L;
    private static final long PA_C = NestedRig.PA + 0x200_0000L;

    private static long dma(HostFixture f, int sid, long iova) {
        return ((Translated) f.sim.translate(f.smmu, TranslationRequest.of(sid, iova, Access.READ))).outputAddress();
    }

    @Test
    void twoVmmsGetDifferentVmidsAndVmBsDmaNeverReachesVmAsMemory(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            IommufdHost vmmB = IommufdHost.open(f.sim, f.smmu, 1L << 40);
            // the same guest ASID, VA and virtual StreamID in both VMs: only the VMID tells them apart
            NestedRig a = new NestedRig(f, f.host, 1, 0x10, PA_A);
            NestedRig b = new NestedRig(f, vmmB, 1, 0x20, PA_B);
            assertNotEquals(a.vmid(), b.vmid());
            assertEquals(List.of(a.vmid(), b.vmid()), f.sim.idAllocations(f.smmu).vmidsInUse());
            assertEquals(PA_A, ((Translated) a.dma(NestedRig.VA)).outputAddress(), "VM A's entry is now cached");
            assertEquals(PA_B, ((Translated) b.dma(NestedRig.VA)).outputAddress(), "VM B misses A's entry");
        }
    }

    @Test
    void twoVmmsStageOneHwptsGetDifferentAsids(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            IommufdHost vmmB = IommufdHost.open(f.sim, f.smmu, 1L << 40);
            int hwptA = vmmA(f, PA_A);
            int ioasB = vmmB.ioasAlloc();
            vmmB.ioasMap(ioasB, 0x10_0000L, PA_B, 0x1000, Prot.rw());
            int hwptB = vmmB.attach(0x20, ioasB);
            int asidA = ((PagingHwpt) f.host.object(hwptA).orElseThrow()).asid();
            int asidB = ((PagingHwpt) vmmB.object(hwptB).orElseThrow()).asid();
            assertNotEquals(asidA, asidB);
            assertEquals(PA_A, dma(f, 0x10, 0x10_0000L));
            assertEquals(PA_B, dma(f, 0x20, 0x10_0000L), "host stage-1 entries are tagged (VMID 0, ASID)");
        }
    }

    private static int vmmA(HostFixture f, long pa) {
        int ioas = f.host.ioasAlloc();
        f.host.ioasMap(ioas, 0x10_0000L, pa, 0x1000, Prot.rw());
        return f.host.attach(0x10, ioas);
    }

    @Test
    void aDestroyedVmsVmidIsFlushedBeforeTheNextVmGetsIt(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            IommufdHost vmmB = IommufdHost.open(f.sim, f.smmu, 1L << 40);
            NestedRig a = new NestedRig(f, f.host, 1, 0x10, PA_A);
            int vmidA = a.vmid();
            assertEquals(PA_A, ((Translated) a.dma(NestedRig.VA)).outputAddress(), "cached under VM A's VMID");
            a.tearDown();
            assertEquals(1L, f.sim.statistics(f.smmu).invalidationsByCommand().get(CommandOpcode.TLBI_S12_VMALL),
                    "destroying the nest parent sent TLBI_S12_VMALL of its VMID");
            assertEquals(List.of(), f.sim.idAllocations(f.smmu).vmidsInUse());
            NestedRig c = new NestedRig(f, vmmB, 1, 0x30, PA_C);
            assertEquals(vmidA, c.vmid(), "the lowest free VMID, once flushed, is reused");
            assertEquals(PA_C, ((Translated) c.dma(NestedRig.VA)).outputAddress(),
                    "VM A's cached entry went with the flush: VM C reaches only its own memory");
        }
    }

    @Test
    void aDestroyedStageOneHwptsAsidIsFlushedWithNhAsid(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int hwpt = vmmA(f, PA_A);
            int asid = ((PagingHwpt) f.host.object(hwpt).orElseThrow()).asid();
            assertEquals(PA_A, dma(f, 0x10, 0x10_0000L));
            f.host.detach(0x10);
            assertTrue(f.host.object(hwpt).isEmpty(), "an auto domain goes with its last device");
            assertEquals(1L, f.sim.statistics(f.smmu).invalidationsByCommand().get(CommandOpcode.TLBI_NH_ASID));
            int again = vmmA(f, PA_B);
            assertEquals(asid, ((PagingHwpt) f.host.object(again).orElseThrow()).asid());
            assertEquals(PA_B, dma(f, 0x10, 0x10_0000L), "the old ASID's entry was flushed before reuse");
        }
    }
}
