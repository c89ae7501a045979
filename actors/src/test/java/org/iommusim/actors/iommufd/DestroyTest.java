package org.iommusim.actors.iommufd;

import static org.iommusim.actors.iommufd.Errnos.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code IOMMU_DESTROY} as iommufd's users count allows it, and closing the host. */
class DestroyTest {

    @Test
    void anUnknownObjectIsEnoentAndAnObjectInUseIsEbusy(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            expect(Errno.ENOENT, () -> f.host.destroy(99));
            NestedRig g = new NestedRig(f);
            IommufdHost h = f.host;
            expect(Errno.EBUSY, () -> h.destroy(g.ioas), "an IOAS with a HWPT");
            expect(Errno.EBUSY, () -> h.destroy(g.s2), "a nest parent under a vIOMMU and a nested HWPT");
            expect(Errno.EBUSY, () -> h.destroy(g.viommu), "a vIOMMU with a vDEVICE and a nested HWPT");
            IommufdException attached = expect(Errno.EBUSY, () -> h.destroy(g.nested), "a HWPT with a device");
            assertTrue(attached.reason().contains("StreamID 0x10"), attached.reason());
            h.detach(g.psid);
            h.destroy(g.nested);
            expect(Errno.ENOENT, () -> h.destroy(g.nested), "destroyed is gone");
            expect(Errno.EBUSY, () -> h.destroy(g.viommu), "still the vDEVICE");
            h.destroy(g.vdevice);
            h.destroy(g.viommu);
            assertTrue(ModelInternals.pageTable(f.sim, g.guestTable).isEmpty(), "the guest's stage-1 table went with its vIOMMU");
            expect(Errno.EBUSY, () -> h.destroy(g.ioas), "still the nest parent");
            DomainId parent = ((PagingHwpt) h.object(g.s2).orElseThrow()).domain();
            h.destroy(g.s2);
            assertTrue(ModelInternals.pageTable(f.sim, parent).isEmpty(), "the HWPT's domain is freed");
            assertEquals(List.of(), f.sim.idAllocations(f.smmu).vmidsInUse(), "and its VMID given back, flushed");
            assertEquals(List.of(), f.sim.idAllocations(f.smmu).vmidsAwaitingFlush());
            h.destroy(g.ioas);
            assertTrue(h.object(g.ioas).isEmpty());
        }
    }

    @Test
    void aNestedHwptOnTheParentDirectlyHoldsItToo(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            IommufdHost h = f.host;
            int ioas = h.ioasAlloc();
            int parent = h.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null);
            int nested = h.hwptAlloc(parent, 0, HwptData.armSmmuV3(1, 0));
            expect(Errno.EBUSY, () -> h.destroy(parent));
            h.destroy(nested);
            h.destroy(parent);
            h.destroy(ioas);
        }
    }

    @Test
    void anAutoDomainStaysWhileADeviceIsOnItAndGoesWithTheLast(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            IommufdHost h = f.host;
            int ioas = h.ioasAlloc();
            h.ioasMap(ioas, 0x10_0000L, 0x8000_0000L, 0x1000, Prot.rw());
            int auto = h.attach(0x10, ioas);
            h.attach(0x11, auto);
            h.detach(0x10);
            assertTrue(h.object(auto).isPresent(), "StreamID 0x11 still uses it");
            int plain = h.hwptAlloc(ioas);
            h.attach(0x11, plain);
            assertTrue(h.object(auto).isEmpty(), "replaced by another HWPT: the auto domain's last device left");
            h.detach(0x11);
            assertTrue(h.object(plain).isPresent(), "a HWPT the VMM allocated stays until it destroys it");
            assertEquals(1, f.sim.idAllocations(f.smmu).asidsInUse().size());
        }
    }

    @Test
    void closeDetachesEveryDeviceAndDestroysEverythingFlushingTheTags(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, 0x10_0000L, 0x9000_0000L, 0x1000, Prot.rw());
            f.host.attach(0x40, ioas);
            f.host.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null);
            assertEquals(2, f.sim.idAllocations(f.smmu).vmidsInUse().size());
            assertEquals(1, f.sim.idAllocations(f.smmu).asidsInUse().size());
            f.host.close();
            assertEquals(List.of(), f.sim.idAllocations(f.smmu).vmidsInUse());
            assertEquals(List.of(), f.sim.idAllocations(f.smmu).asidsInUse());
            var byCommand = f.sim.statistics(f.smmu).invalidationsByCommand();
            assertEquals(2L, byCommand.get(CommandOpcode.TLBI_S12_VMALL));
            assertEquals(1L, byCommand.get(CommandOpcode.TLBI_NH_ASID));
            for (int sid : new int[] {g.psid, 0x40}) {
                assertInstanceOf(Terminated.class, f.sim.translate(f.smmu, TranslationRequest.of(sid, 0x10_0000L,
                        Access.READ)), "StreamID 0x" + Integer.toHexString(sid) + " is blocked (STE ABORT in force)");
            }
            assertTrue(ModelInternals.pageTable(f.sim, g.guestTable).isEmpty());
            expect(Errno.EBADF, () -> f.host.ioasAlloc());
            expect(Errno.EBADF, () -> f.host.destroy(g.ioas));
            f.host.close(); // again: nothing to do
        }
    }

    @Test
    void exhaustedTagsAreRefusedWithArmSmmuV3sErrnos(@TempDir Path dir) {
        SmmuCapabilities narrow = SmmuCapabilities.builder().vmidBits(8).asidBits(8).build();
        try (HostFixture f = new HostFixture(dir, narrow)) {
            for (int i = 0; i < 255; i++) {
                f.sim.allocateVmid(f.smmu);
                f.sim.allocateAsid(f.smmu);
            }
            int ioas = f.host.ioasAlloc();
            expect(Errno.ENOSPC, () -> f.host.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null), "ida_alloc_range");
            expect(Errno.EBUSY, () -> f.host.hwptAlloc(ioas), "xa_alloc");
            expect(Errno.EBUSY, () -> f.host.attach(0x10, ioas), "an auto domain needs an ASID too");
            assertTrue(f.host.object(ioas + 1).isEmpty(), "nothing half-made was left behind");
            f.sim.releaseVmid(f.smmu, 17);
            PagingHwpt p = (PagingHwpt) f.host.object(f.host.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null)).orElseThrow();
            assertEquals(17, p.vmid());
        }
    }
}
