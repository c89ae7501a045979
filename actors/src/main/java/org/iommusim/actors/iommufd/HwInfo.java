package org.iommusim.actors.iommufd;

/**
 * The answer to {@code IOMMU_GET_HW_INFO} for a device behind an SMMUv3
 * ({@code struct iommu_hw_info}'s outputs).
 *
 * @param outDataType      {@link #TYPE_ARM_SMMUV3}
 * @param data             what {@code data_uptr} receives
 * @param outCapabilities  {@code enum iommufd_hw_capabilities} bits: none here, as the model
 *                         has no dirty tracking (HTTU) and its devices no PCI PASID capability
 * @param outMaxPasidLog2  the device's PASID width: every SubstreamID the SMMU takes
 *                         ({@code IDR1.SSIDSIZE})
 */
public record HwInfo(int outDataType, HwInfoArmSmmuv3 data, long outCapabilities, int outMaxPasidLog2) {
    /** {@code IOMMU_HW_INFO_TYPE_ARM_SMMUV3}. */
    public static final int TYPE_ARM_SMMUV3 = 2;
    /** {@code IOMMU_HW_CAP_DIRTY_TRACKING}. */
    public static final long CAP_DIRTY_TRACKING = 1L << 0;
    /** {@code IOMMU_HW_CAP_PCI_PASID_EXEC}. */
    public static final long CAP_PCI_PASID_EXEC = 1L << 1;
    /** {@code IOMMU_HW_CAP_PCI_PASID_PRIV}. */
    public static final long CAP_PCI_PASID_PRIV = 1L << 2;
}
