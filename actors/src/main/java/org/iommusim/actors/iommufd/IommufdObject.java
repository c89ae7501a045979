package org.iommusim.actors.iommufd;

/**
 * An object of the host's iommufd context, all sharing one ID space as
 * iommufd's objects do: IO address spaces, HWPTs, vIOMMUs, vDEVICEs and vEVENTQs.
 */
public sealed interface IommufdObject permits Ioas, PagingHwpt, NestedHwpt, Viommu, Vdevice, Veventq {
    /** The object's ID in the context. */
    int id();
}
