package org.iommusim.actors.iommufd;

import static org.iommusim.actors.iommufd.Errnos.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HWPT cases of iommufd's selftest ({@code TEST_F(iommufd_ioas, alloc_hwpt_nested)}) and the guest STE rule. */
class HwptAllocTest {
    private static final HwptData STE = GuestSte.stage1(0x4000_0000L, 0, S1Dss.SSID0).toHwptData();

    @Test
    void unknownDataTypeIsEopnotsupp(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int parent = f.host.hwptAlloc(f.host.ioasAlloc(), HwptFlags.NEST_PARENT, null);
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(parent, 0, new HwptData(HwptData.ARM_SMMUV3 + 1, STE.bytes())));
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(parent, 0, new HwptData(HwptData.VTD_S1, STE.bytes())));
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(parent, 0, new HwptData(HwptData.NONE, STE.bytes())));
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(parent, HwptFlags.NEST_PARENT, STE), "flags on a nested HWPT");
        }
    }

    @Test
    void shortDataIsEinval(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int parent = f.host.hwptAlloc(f.host.ioasAlloc(), HwptFlags.NEST_PARENT, null);
            byte[] shortSte = new byte[HwptData.ARM_SMMUV3_LENGTH - 1];
            System.arraycopy(STE.bytes(), 0, shortSte, 0, shortSte.length);
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(parent, 0, new HwptData(HwptData.ARM_SMMUV3, shortSte)));
            byte[] longer = new byte[24];
            System.arraycopy(STE.bytes(), 0, longer, 0, 16);
            assertInstanceOf(NestedHwpt.class, f.host.object(f.host.hwptAlloc(parent, 0,
                    new HwptData(HwptData.ARM_SMMUV3, longer))).orElseThrow(), "zero tail of a newer struct is fine");
            longer[20] = 1;
            expect(Errno.E2BIG, () -> f.host.hwptAlloc(parent, 0, new HwptData(HwptData.ARM_SMMUV3, longer)));
        }
    }

    @Test
    void nestedOnNestedIsEinval(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int parent = f.host.hwptAlloc(f.host.ioasAlloc(), HwptFlags.NEST_PARENT, null);
            int nested = f.host.hwptAlloc(parent, 0, STE);
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(nested, 0, STE));
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(9999, 0, STE), "iommufd_hwpt_alloc: unknown pt_id");
        }
    }

    @Test
    void aParentWithoutNestParentIsEinval(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            int plain = f.host.hwptAlloc(ioas, 0, null);
            PagingHwpt p = (PagingHwpt) f.host.object(plain).orElseThrow();
            assertEquals(DomainStage.STAGE1, p.stage(), "paging HWPTs are stage 1 by default");
            int parent = f.host.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null);
            assertEquals(DomainStage.STAGE2, ((PagingHwpt) f.host.object(parent).orElseThrow()).stage());
            expect(Errno.EINVAL, () -> f.host.hwptAlloc(plain, 0, STE));
            expect(Errno.EINVAL, () -> f.host.viommuAlloc(plain));
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(ioas, 0, STE), "a paging HWPT takes no data");
        }
    }

    @Test
    void aGuestSteMayOnlyChooseAbortBypassOrStage1(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int parent = f.host.hwptAlloc(f.host.ioasAlloc(), HwptFlags.NEST_PARENT, null);
            for (SteConfig c : new SteConfig[] {SteConfig.ABORT, SteConfig.BYPASS, SteConfig.STAGE1}) {
                int h = f.host.hwptAlloc(parent, 0, HwptData.armSmmuV3(1L | (long) c.code() << 1, 0));
                assertEquals(c, ((NestedHwpt) f.host.object(h).orElseThrow()).ste().config());
            }
            for (SteConfig c : new SteConfig[] {SteConfig.STAGE2, SteConfig.NESTED}) {
                expect(Errno.EIO, () -> f.host.hwptAlloc(parent, 0, HwptData.armSmmuV3(1L | (long) c.code() << 1, 0)));
            }
            expect(Errno.EIO, () -> f.host.hwptAlloc(parent, 0, HwptData.armSmmuV3(1L | 0b001 << 1, 0)), "reserved");
            // bits outside the stage-1 fields a guest owns (word 0 bit 52, word 1 bit 40) are refused
            expect(Errno.EIO, () -> f.host.hwptAlloc(parent, 0, HwptData.armSmmuV3(STE.word(0) | 1L << 52, 0)));
            expect(Errno.EIO, () -> f.host.hwptAlloc(parent, 0, HwptData.armSmmuV3(STE.word(0), 1L << 40)));
            int invalid = f.host.hwptAlloc(parent, 0, HwptData.armSmmuV3(0xFFFF_FFFF_FFFF_FFF0L, -1L));
            assertEquals(SteConfig.ABORT, ((NestedHwpt) f.host.object(invalid).orElseThrow()).ste().config(),
                    "V=0 reads as zeroes: abort");
        }
    }

    @Test
    void aCapabilityTheSmmuLacksIsRefused(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir, SmmuCapabilities.builder().stage2(false).build())) {
            int ioas = f.host.ioasAlloc();
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null), "nesting needs both stages");
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(ioas, HwptFlags.DIRTY_TRACKING, null));
            expect(Errno.EOPNOTSUPP, () -> f.host.hwptAlloc(ioas, 1 << 8, null));
            assertEquals(DomainStage.STAGE1, ((PagingHwpt) f.host.object(f.host.hwptAlloc(ioas)).orElseThrow()).stage());
        }
    }
}
