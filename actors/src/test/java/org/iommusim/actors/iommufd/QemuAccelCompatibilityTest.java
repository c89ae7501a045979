package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's {@code IOMMU_GET_HW_INFO} against the compatibility check of
 * QEMU's accelerated SMMUv3 ({@code smmuv3_accel_check_hw_compatible} in
 * hw/arm/smmuv3-accel.c), written here from its field list: the host's
 * IDR0.STLEVEL equal to the vSMMU's, TTENDIAN no more than, TTF at least;
 * IDR1.SIDSIZE and SSIDSIZE at least; IDR3.RIL at least; IDR5.OAS at least;
 * IDR5.GRAN4K/16K/64K equal. The vSMMU's words are QEMU's defaults
 * ({@code smmuv3_init_id_regs}): 2-level stream tables, little-endian AArch64
 * tables, 16-bit StreamIDs, no SubstreamIDs, RIL, 44-bit OAS, every granule.
 */
class QemuAccelCompatibilityTest {

    private static int field(int word, int lsb, int width) {
        return (word >>> lsb) & ((1 << width) - 1);
    }

    /** QEMU's vSMMU: the fields the check reads, at their architectural places. */
    private static final int[] QEMU_IDR = {
        /* IDR0 */ 0b01 << 27 | 0b10 << 21 | 0b10 << 2,
        /* IDR1 */ 16,
        0,
        /* IDR3 */ 1 << 10,
        0,
        /* IDR5 */ 4 | 1 << 4 | 1 << 5 | 1 << 6,
    };

    /** Why QEMU would refuse {@code host}, one line per failed check (empty: accepted). */
    static List<String> qemuRefusals(int[] host, int[] qemu) {
        List<String> out = new ArrayList<>();
        if (field(host[0], 27, 2) != field(qemu[0], 27, 2)) {
            out.add("STLEVEL host=" + field(host[0], 27, 2) + " QEMU=" + field(qemu[0], 27, 2));
        }
        if (field(host[0], 21, 2) > field(qemu[0], 21, 2)) {
            out.add("TTENDIAN");
        }
        if (field(host[0], 2, 2) < field(qemu[0], 2, 2)) {
            out.add("TTF");
        }
        if (field(host[1], 0, 6) < field(qemu[1], 0, 6)) {
            out.add("SIDSIZE host=" + field(host[1], 0, 6));
        }
        if (field(host[1], 6, 5) < field(qemu[1], 6, 5)) {
            out.add("SSIDSIZE");
        }
        if (field(host[3], 10, 1) < field(qemu[3], 10, 1)) {
            out.add("RIL");
        }
        if (field(host[5], 0, 3) < field(qemu[5], 0, 3)) {
            out.add("OAS");
        }
        for (int bit = 4; bit <= 6; bit++) {
            if (field(host[5], bit, 1) != field(qemu[5], bit, 1)) {
                out.add("GRAN bit " + bit);
            }
        }
        return out;
    }

    /** The idr[] words as QEMU reads them from the ioctl's buffer. */
    private static int[] idrFromUapiBytes(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        b.getInt(); // flags
        b.getInt(); // __reserved
        int[] idr = new int[6];
        for (int i = 0; i < 6; i++) {
            idr[i] = b.getInt();
        }
        return idr;
    }

    @Test
    void qemuAcceptsTheDefaultSmmusHwInfo(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            HwInfo info = f.host.getHwInfo();
            assertEquals(HwInfo.TYPE_ARM_SMMUV3, info.outDataType(), "QEMU refuses another data type");
            byte[] data = info.data().toBytes();
            assertEquals(HwInfoArmSmmuv3.BYTES, data.length);
            int[] idr = idrFromUapiBytes(data);
            assertEquals(List.of(), qemuRefusals(idr, QEMU_IDR));
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, b.getInt(32), "IIDR");
            assertEquals(0x02, b.getInt(36), "AIDR: SMMUv3.2 (range invalidation)");
            assertEquals(0, info.outCapabilities(), "no HTTU, no PCI PASID capability");
            assertEquals(20, info.outMaxPasidLog2());
        }
    }

    @Test
    void qemuRefusesWhatItShould(@TempDir Path dir) {
        // the check is real: SMMUs a QEMU vSMMU cannot be backed by are refused, each for its field
        int[] noSixteenK = HwInfoArmSmmuv3.of(IdrInfo.of(SmmuCapabilities.builder()
                .granules(Set.of(Granule.G4K, Granule.G64K)).build())).idr().toArray();
        assertEquals(List.of("GRAN bit 5"), qemuRefusals(noSixteenK, QEMU_IDR));
        int[] narrow = HwInfoArmSmmuv3.of(IdrInfo.of(SmmuCapabilities.builder().sidBits(8).ril(false).oas(40)
                .build())).idr().toArray();
        assertEquals(List.of("SIDSIZE host=8", "RIL", "OAS"), qemuRefusals(narrow, QEMU_IDR));
        int[] linearOnly = HwInfoArmSmmuv3.of(IdrInfo.of(SmmuCapabilities.builder().twoLevelStreamTables(false)
                .build())).idr().toArray();
        assertTrue(qemuRefusals(linearOnly, QEMU_IDR).get(0).startsWith("STLEVEL host=0"),
                "an SMMU with linear stream tables only (IDR0.ST_LEVEL=0b00)");
        try (HostFixture f = new HostFixture(dir)) {
            f.host.close();
            Errnos.expect(Errno.EBADF, f.host::getHwInfo);
        }
    }
}
