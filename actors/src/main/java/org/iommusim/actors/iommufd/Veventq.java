package org.iommusim.actors.iommufd;

/**
 * A virtual event queue on a vIOMMU ({@code IOMMU_VEVENTQ_ALLOC}): where the
 * host puts the event records of the vIOMMU's devices, for the VMM to read
 * and inject into the guest's event queue.
 *
 * @param type  {@link #TYPE_ARM_SMMUV3}
 * @param depth how many vEVENTs it holds before it loses them
 */
public record Veventq(int id, int viommu, int type, int depth) implements IommufdObject {
    /** {@code IOMMU_VEVENTQ_TYPE_DEFAULT}: reserved, refused. */
    public static final int TYPE_DEFAULT = 0;
    /** {@code IOMMU_VEVENTQ_TYPE_ARM_SMMUV3}: 32-byte SMMUv3 event records. */
    public static final int TYPE_ARM_SMMUV3 = 1;
}
