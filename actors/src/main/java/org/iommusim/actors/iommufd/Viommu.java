package org.iommusim.actors.iommufd;

/**
 * A virtual SMMU instance backed by the physical one: its VMID (forced into
 * every guest TLBI) and, through its vDEVICEs, the guest's virtual StreamIDs.
 * As in Linux's {@code arm_vsmmu_init}, the VMID is the nest parent's.
 *
 * @param parent the nest-parent {@link PagingHwpt}
 */
public record Viommu(int id, int parent, int vmid) implements IommufdObject {}
