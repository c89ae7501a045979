package org.iommusim.actors.iommufd;

import org.iommusim.protocol.domain.Prot;

/**
 * A VFIO container as iommufd's {@code vfio_compat} emulates it: type1 DMA
 * map and unmap on a compatibility IOAS. Mapping and unmapping follow the
 * IOAS rules (as the compat layer passes them to the same {@code iopt} code),
 * so unmapping nothing is {@link Errno#ENOENT} where legacy type1 answers 0.
 *
 * <p>The type1 nesting mode ({@link #TYPE1_NESTING_IOMMU}) was removed from
 * Linux in favour of iommufd's nest-parent HWPT, vIOMMU and nested HWPT; asking
 * for it is refused with {@link Errno#EINVAL}, never accepted as a plain type1
 * container.
 */
public final class VfioContainer {
    /** {@code VFIO_TYPE1_IOMMU}. */
    public static final int TYPE1_IOMMU = 1;
    /** {@code VFIO_TYPE1v2_IOMMU}. */
    public static final int TYPE1V2_IOMMU = 3;
    /** The retired {@code VFIO_TYPE1_NESTING_IOMMU}. */
    public static final int TYPE1_NESTING_IOMMU = 6;
    /** {@code VFIO_UNMAP_ALL}: the extension allowing {@link #UNMAP_FLAG_ALL}. */
    public static final int UNMAP_ALL = 9;
    /** {@code VFIO_DMA_MAP_FLAG_READ}. */
    public static final int MAP_FLAG_READ = 1;
    /** {@code VFIO_DMA_MAP_FLAG_WRITE}. */
    public static final int MAP_FLAG_WRITE = 2;
    /** {@code VFIO_DMA_UNMAP_FLAG_ALL}. */
    public static final int UNMAP_FLAG_ALL = 2;

    private final IommufdHost host;
    private int ioas;
    private int type;

    VfioContainer(IommufdHost host) {
        this.host = host;
    }

    /** {@code VFIO_CHECK_EXTENSION}: 1 for TYPE1, TYPE1v2 and UNMAP_ALL; 0 otherwise, nesting included. */
    public int checkExtension(int extension) {
        return extension == TYPE1_IOMMU || extension == TYPE1V2_IOMMU || extension == UNMAP_ALL ? 1 : 0;
    }

    /** {@code VFIO_SET_IOMMU}: TYPE1 or TYPE1v2; anything else, the nesting mode included, is EINVAL. */
    public synchronized void setIommu(int iommuType) {
        if (iommuType == TYPE1_NESTING_IOMMU) {
            throw new IommufdException(Errno.EINVAL, "VFIO_TYPE1_NESTING_IOMMU was removed from Linux: nest through "
                    + "iommufd (IOMMU_HWPT_ALLOC with NEST_PARENT, IOMMU_VIOMMU_ALLOC, a nested HWPT)");
        }
        if (iommuType != TYPE1_IOMMU && iommuType != TYPE1V2_IOMMU) {
            throw new IommufdException(Errno.EINVAL, "IOMMU type " + iommuType + " is not TYPE1 or TYPE1v2");
        }
        if (ioas == 0) {
            ioas = host.ioasAlloc();
        }
        type = iommuType;
    }

    /** The compatibility IOAS, once {@link #setIommu} has succeeded; attach devices to it with {@link IommufdHost#attach}. */
    public synchronized int ioas() {
        requireSet();
        return ioas;
    }

    /** {@code VFIO_IOMMU_MAP_DMA}: {@code flags} of {@link #MAP_FLAG_READ} and {@link #MAP_FLAG_WRITE}. */
    public synchronized void mapDma(long iova, long vaddr, long size, int flags) {
        requireSet();
        if ((flags & ~(MAP_FLAG_READ | MAP_FLAG_WRITE)) != 0) {
            throw new IommufdException(Errno.EINVAL, "unsupported VFIO map flags 0x" + Integer.toHexString(flags));
        }
        int prot = ((flags & MAP_FLAG_READ) != 0 ? Prot.READ : 0) | ((flags & MAP_FLAG_WRITE) != 0 ? Prot.WRITE : 0);
        host.ioasMap(ioas, iova, vaddr, size, Prot.of(prot));
    }

    /** {@code VFIO_IOMMU_UNMAP_DMA}; answers the bytes unmapped. With {@link #UNMAP_FLAG_ALL}, iova and size must be 0. */
    public synchronized long unmapDma(long iova, long size, int flags) {
        requireSet();
        if ((flags & ~UNMAP_FLAG_ALL) != 0) {
            throw new IommufdException(Errno.EINVAL, "unsupported VFIO unmap flags 0x" + Integer.toHexString(flags));
        }
        if ((flags & UNMAP_FLAG_ALL) != 0) {
            if (iova != 0 || size != 0) {
                throw new IommufdException(Errno.EINVAL, "VFIO_DMA_UNMAP_FLAG_ALL needs iova=0 and size=0");
            }
            return host.ioasUnmap(ioas, 0, IommufdHost.UNMAP_ALL_LENGTH);
        }
        return host.ioasUnmap(ioas, iova, size);
    }

    private void requireSet() {
        if (type == 0) {
            throw new IommufdException(Errno.EINVAL, "VFIO_SET_IOMMU has not been called");
        }
    }
}
