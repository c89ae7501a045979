package org.iommusim.actors.iommufd;

/**
 * A device as the guest sees it behind a vIOMMU: virtual StreamID
 * {@code vsid} standing for physical StreamID {@code psid}.
 */
public record Vdevice(int id, int viommu, int vsid, int psid) implements IommufdObject {}
