package org.iommusim.actors.iommufd;

/**
 * {@code IOMMU_HWPT_ALLOC} flag bits, with the uAPI values
 * ({@code enum iommufd_hwpt_alloc_flags}).
 */
public final class HwptFlags {
    private HwptFlags() {}

    /** The HWPT may be the stage-2 parent of nested HWPTs and vIOMMUs. */
    public static final int NEST_PARENT = 1 << 0;
    /** Dirty tracking: the model has no HTTU, so it is refused. */
    public static final int DIRTY_TRACKING = 1 << 1;
    /** PASID-capable domain: not modelled, so it is refused. */
    public static final int PASID = 1 << 2;

    static final int KNOWN = NEST_PARENT | DIRTY_TRACKING | PASID;
}
