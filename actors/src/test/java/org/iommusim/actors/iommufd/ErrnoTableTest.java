package org.iommusim.actors.iommufd;

import static org.iommusim.actors.iommufd.Errnos.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows of docs/EMBEDDING.md's errno table that had no test, each with the
 * kernel function that answers it (drivers/iommu/iommufd/, drivers/iommu/arm/arm-smmu-v3/)
 * or, where the model chose, that choice named.
 */
class ErrnoTableTest {
    private static final long IOVA = 0x10_0000L;
    private static final long PA = 0x8_0000_0000L;

    @Test
    void aMisalignedZeroOrNoAccessMapIsEinval(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            // iopt_check_iova: an IOVA off the IOAS's alignment, -EINVAL
            expect(Errno.EINVAL, () -> f.host.ioasMap(ioas, IOVA + 0x10, PA, 0x1000, Prot.rw()));
            // iopt_alloc_pages / iopt_map_user_pages: a zero length, -EINVAL
            expect(Errno.EINVAL, () -> f.host.ioasMap(ioas, IOVA, PA, 0, Prot.rw()));
            // iommufd_ioas_map: neither IOMMU_IOAS_MAP_WRITEABLE nor _READABLE, -EINVAL
            expect(Errno.EINVAL, () -> f.host.ioasMap(ioas, IOVA, PA, 0x1000, Prot.of(Prot.NOEXEC)));
            // nothing was mapped by the refusals
            expect(Errno.ENOENT, () -> f.host.ioasUnmap(ioas, IOVA, 0x1000));
        }
    }

    @Test
    void aMapBeyondTheIoasInputSizeIsErange(@TempDir Path dir) {
        // model choice (docs: "beyond the IOAS's input size"): PageTableError IOVA_BEYOND_IAS's ERANGE
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            expect(Errno.ERANGE, () -> f.host.ioasMap(ioas, 1L << 48, PA, 0x1000, Prot.rw()));
            expect(Errno.ERANGE, () -> f.host.ioasMap(ioas, (1L << 48) - 0x1000, PA, 0x2000, Prot.rw()));
        }
    }

    @Test
    void pasidAndDirtyTrackingHwptsAreEopnotsupp(@TempDir Path dir) {
        // arm_smmu_domain_alloc_paging_flags: flags it does not handle, -EOPNOTSUPP (the model has no PASID domains)
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(ioas, HwptFlags.PASID, null));
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(ioas, HwptFlags.DIRTY_TRACKING, null));
        }
    }

    @Test
    void hwptAllocOnAVeventqIsEinval(@TempDir Path dir) {
        // iommufd_hwpt_alloc: a pt_id of any other object type falls to the final else, -EINVAL
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            int q = f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 4);
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(q, 0, null));
        }
    }

    @Test
    void aStreamIdBeyondSidsizeIsEnodev(@TempDir Path dir) {
        // model choice: no such device behind the SMMU (iommufd_device_bind of a device with no IOMMU is -ENODEV)
        try (HostFixture f = new HostFixture(dir)) {
            int beyond = 1 << f.smmu.capabilities().sidBits();
            int ioas = f.host.ioasAlloc();
            expect(Errno.ENODEV, () -> f.host.attach(beyond, ioas));
            expect(Errno.ENODEV, () -> f.host.detach(beyond));
            NestedRig g = new NestedRig(f);
            expect(Errno.ENODEV, () -> f.host.vdeviceAlloc(g.viommu, 9, beyond));
        }
    }

    @Test
    void aTakenVsidOrASecondVdeviceForADeviceIsEexist(@TempDir Path dir) {
        // iommufd_vdevice_alloc_ioctl: xa_cmpxchg on viommu->vdevs finds the vSID taken, -EEXIST; and a device
        // that already has a vDEVICE (idev->vdev), -EEXIST
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f, 1, 0x10, NestedRig.PA);
            expect(Errno.EEXIST, () -> f.host.vdeviceAlloc(g.viommu, 1, 0x11), "vSID taken");
            expect(Errno.EEXIST, () -> f.host.vdeviceAlloc(g.viommu, 2, 0x10), "device has one");
            f.host.vdeviceAlloc(g.viommu, 2, 0x11); // neither taken: accepted
        }
    }

    @Test
    void aVfioUnmapOfNothingIsEnoent(@TempDir Path dir) {
        // iommufd_vfio_unmap_dma passes iopt_unmap_iova's -ENOENT through (legacy type1 would answer 0)
        try (HostFixture f = new HostFixture(dir)) {
            VfioContainer c = f.host.vfioContainer();
            c.setIommu(VfioContainer.TYPE1V2_IOMMU);
            expect(Errno.ENOENT, () -> c.unmapDma(IOVA, 0x1000, 0));
        }
    }

    @Test
    void guestSteFieldsAGuestMayNotGiveAreEio(@TempDir Path dir) {
        // arm_smmu_validate_vste: "EIO is reserved for invalid STE data"
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            GuestSte ok = GuestSte.stage1(0x4001_0000L, 0, S1Dss.SSID0);
            long w0 = ok.word0();
            long w1 = ok.word1();
            expect(Errno.EIO, () -> f.host.hwptAlloc(g.viommu, 0, HwptData.armSmmuV3(w0, w1 | 2L << 28)), "EATS=2");
            // model: S1DSS=3 is reserved; S1CDMax beyond the model's 20-bit SubstreamIDs
            expect(Errno.EIO, () -> f.host.hwptAlloc(g.viommu, 0, HwptData.armSmmuV3(w0, w1 | 3)), "S1DSS=3");
            expect(Errno.EIO, () -> f.host.hwptAlloc(g.viommu, 0, HwptData.armSmmuV3(w0 | 21L << 59, w1)),
                    "S1CDMax=21");
            // model: a two-level CD table (S1Fmt 4K_L2 or 64K_L2) with substreams, and the reserved S1Fmt=3
            for (long fmt = 1; fmt <= 3; fmt++) {
                long f0 = fmt;
                IommufdException e = expect(Errno.EIO,
                        () -> f.host.hwptAlloc(g.viommu, 0, HwptData.armSmmuV3(w0 | f0 << 4 | 8L << 59, w1)),
                        "S1Fmt=" + fmt);
                assertTrue(e.getMessage().contains("linear CD tables only"), e.getMessage());
            }
            // S1Fmt is ignored with a single CD (S1CDMax=0), as the architecture says
            f.host.hwptAlloc(g.viommu, 0, HwptData.armSmmuV3(w0 | 1L << 4, w1));
            f.host.hwptAlloc(g.viommu, 0, HwptData.armSmmuV3(w0 | 8L << 59, w1)); // linear with substreams
            f.host.hwptAlloc(g.viommu, 0, HwptData.armSmmuV3(w0, w1)); // the same STE, valid, is accepted
        }
    }

    @Test
    void anInvalidationArrayNotAWholeNumberOfEntriesIsEinval(@TempDir Path dir) {
        // iommufd_hwpt_invalidate hands iommu_copy_struct_from_full_user_array entry_num whole entries; the
        // model's byte array must hold whole entries, else -EINVAL (the model's form of a bad entry_num)
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            byte[] one = new TlbiNhAll(0).encode().toBytes();
            byte[] ragged = new byte[one.length + 5];
            System.arraycopy(one, 0, ragged, 0, one.length);
            expect(Errno.EINVAL, () -> f.host.invalidate(g.viommu, ragged, IommufdHost.ARM_SMMUV3_INVALIDATE_ENTRY));
            assertEquals(1, f.host.invalidate(g.viommu, List.of(new TlbiNhAll(0).encode())).entriesHandled());
        }
    }
}
