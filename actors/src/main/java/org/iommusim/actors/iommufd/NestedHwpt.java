package org.iommusim.actors.iommufd;

/**
 * A nested HWPT: a guest STE (the stage-1 half the guest owns) over a
 * nest-parent stage-2 HWPT. It has no table of its own: the guest's stage-1
 * tables and CDs live in guest memory (see {@link GuestRam}).
 *
 * @param parent the nest-parent {@link PagingHwpt}
 * @param viommu the vIOMMU it was allocated on, or 0 when allocated on the parent HWPT directly
 */
public record NestedHwpt(int id, int parent, int viommu, GuestSte ste) implements IommufdObject {}
