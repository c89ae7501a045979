package org.iommusim.actors.iommufd;

import static org.iommusim.actors.iommufd.Errnos.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.config.S1Dss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errnos where the model once differed from Linux, each with the kernel
 * function that returns it (drivers/iommu/iommufd/, drivers/iommu/arm/arm-smmu-v3/,
 * include/linux/iommu.h).
 */
class KernelErrnoTest {
    private static final HwptData STE = GuestSte.stage1(0x4001_0000L, 0, S1Dss.SSID0).toHwptData();

    @Test
    void nestedHwptWithoutDataIsEopnotsupp(@TempDir Path dir) {
        // iommufd_hwpt_nested_alloc / iommufd_viommu_alloc_hwpt_nested: !user_data->len -> -EOPNOTSUPP
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(g.s2, 0, null), "on the nest parent");
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(g.viommu, 0, null), "on the vIOMMU");
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(g.viommu, 0, new HwptData(HwptData.NONE, new byte[0])));
            // iommufd_hwpt_alloc: a data type with data_len 0, or DATA_NONE with a length, -EINVAL first
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(g.viommu, 0, new HwptData(HwptData.ARM_SMMUV3, new byte[0])));
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(g.viommu, 0, new HwptData(HwptData.NONE, new byte[16])));
        }
    }

    @Test
    void hwptAllocOnANonexistentIdIsEinval(@TempDir Path dir) {
        // iommufd_hwpt_alloc: iommufd_get_object(pt_id, IOMMUFD_OBJ_ANY) fails -> rc = -EINVAL
        try (HostFixture f = new HostFixture(dir)) {
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(4242, 0, null));
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(4242, HwptFlags.NEST_PARENT, null));
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(4242, 0, STE));
            // ... and a vDEVICE as parent falls to the final else: -EINVAL as well
            NestedRig g = new NestedRig(f);
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(g.vdevice, 0, STE));
        }
    }

    @Test
    void viommuAllocOnAnIoasIsEnoent(@TempDir Path dir) {
        // iommufd_viommu_alloc_ioctl: iommufd_get_hwpt_paging(hwpt_id) on another type -> -ENOENT
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            expect(Errno.ENOENT, () -> f.host.viommuAlloc(ioas));
            expect(Errno.ENOENT, () -> f.host.viommuAlloc(4242));
            // a paging HWPT without NEST_PARENT is found, and refused: -EINVAL
            expect(Errno.EINVAL, () -> f.host.viommuAlloc(f.host.hwptAlloc(ioas)));
        }
    }

    @Test
    void attachToATranslatingNestedHwptWithoutAVdeviceIsEnoent(@TempDir Path dir) {
        // arm_smmu_attach_prepare_vmaster: iommufd_viommu_get_vdev_id finds no vDEVICE -> -ENOENT
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            int other = 0x11; // a device with no vDEVICE on the vIOMMU
            expect(Errno.ENOENT, () -> f.host.attach(other, g.nested));
            // an ABORT or BYPASS guest STE needs no vSID (Linux's later GBPA fix allows it)
            int bypass = f.host.hwptAlloc(g.viommu, 0, GuestSte.bypass().toHwptData());
            assertEquals(bypass, f.host.attach(other, bypass));
            // with a vDEVICE, the translating one attaches
            f.host.vdeviceAlloc(g.viommu, 0x22, other);
            assertEquals(g.nested, f.host.attach(other, g.nested));
        }
    }

    @Test
    void entryLenBeyondTheStructIsReadAsCopyStructFromUserReadsIt(@TempDir Path dir) {
        // iommu_copy_struct_from_full_user_array -> copy_struct_from_user per entry
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            RawCommand a = new TlbiNhAll(0).encode();
            RawCommand b = new CfgiCd(g.vsid, 0, true).encode();
            byte[] wide = new byte[2 * 24];
            System.arraycopy(a.toBytes(), 0, wide, 0, 16);
            System.arraycopy(b.toBytes(), 0, wide, 24, 16);
            InvalidationResult ok = f.host.invalidate(g.viommu, wide, 24);
            assertEquals(2, ok.entriesHandled(), "a zero tail is accepted");
            assertTrue(ok.error().isEmpty());
            wide[24 + 20] = 1;
            IommufdException e = expect(Errno.E2BIG, () -> f.host.invalidate(g.viommu, wide, 24), "non-zero tail");
            assertTrue(e.reason().contains("entry 1"), e.reason());
            // shorter than the struct: zero-filled (TLBI_NH_ALL's second word is zero anyway)
            byte[] narrow = new byte[8];
            System.arraycopy(a.toBytes(), 0, narrow, 0, 8);
            assertEquals(1, f.host.invalidate(g.viommu, narrow, 8).entriesHandled());
            // no entries at all: -EINVAL (!user_array->entry_num)
            expect(Errno.EINVAL, () -> f.host.invalidate(g.viommu, List.of()));
        }
    }
}
