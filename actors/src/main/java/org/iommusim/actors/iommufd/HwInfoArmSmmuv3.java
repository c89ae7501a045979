package org.iommusim.actors.iommufd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct iommu_hw_info_arm_smmuv3} as Linux's {@code arm_smmu_hw_info}
 * fills it: the SMMU's IDR0..IDR5, IIDR and AIDR read as they are.
 *
 * @param flags always 0 (no flag is defined)
 * @param iidr  SMMU_IIDR: 0, the model names no implementer, product or revision
 * @param aidr  SMMU_AIDR: ArchMajorRev 0 (SMMUv3) and ArchMinorRev, 2 (SMMUv3.2) with
 *              range invalidation, a v3.2 feature, otherwise 0 (SMMUv3.0)
 */
public record HwInfoArmSmmuv3(int flags, IdrRegisters idr, int iidr, int aidr) {
    /** {@code sizeof(struct iommu_hw_info_arm_smmuv3)}: flags, __reserved, idr[6], iidr, aidr. */
    public static final int BYTES = 40;

    /** What an SMMU with these IDR fields reports. */
    public static HwInfoArmSmmuv3 of(IdrInfo info) {
        return new HwInfoArmSmmuv3(0, info.encode(), 0, info.ril() ? 0x02 : 0x00);
    }

    /** The structure as {@code IOMMU_GET_HW_INFO} copies it to {@code data_uptr}, little-endian. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(flags).putInt(0);
        for (int w : idr.toArray()) {
            b.putInt(w);
        }
        return b.putInt(iidr).putInt(aidr).array();
    }
}
