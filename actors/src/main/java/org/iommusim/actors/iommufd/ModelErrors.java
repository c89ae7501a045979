package org.iommusim.actors.iommufd;

import org.iommusim.actors.api.ModelException;
import org.iommusim.persistence.ids.IdKind;
import org.iommusim.persistence.pagetable.PageTableError;

/**
 * From the model's refusal kinds to iommufd's errno. Page-table kinds carry
 * their own errno ({@link PageTableError.Kind#errno()}), so that mapping lives
 * in one place; domain-allocation kinds are mapped here the way Linux's
 * arm-smmu-v3 answers the same refusals.
 */
final class ModelErrors {
    private ModelErrors() {}

    static IommufdException of(ModelException e) {
        return new IommufdException(errnoOf(e.kind().name()), e.getMessage());
    }

    /**
     * A refused VMID or ASID allocation, answered as arm-smmu-v3 does:
     * {@code ida_alloc_range} of the VMID map fails with ENOSPC, but
     * {@code xa_alloc} of the ASID xarray with EBUSY.
     */
    static Errno tagErrno(IdKind kind, String modelKind) {
        if (kind == IdKind.ASID && modelKind.equals("ID_EXHAUSTED")) {
            return Errno.EBUSY;
        }
        return errnoOf(modelKind);
    }

    static Errno errnoOf(String kind) {
        for (PageTableError.Kind k : PageTableError.Kind.values()) {
            if (k.name().equals(kind)) {
                return Errno.valueOf(k.errno());
            }
        }
        return switch (kind) {
            // a feature the SMMU does not advertise: arm_smmu_domain_alloc_paging_flags answers EOPNOTSUPP
            case "STAGE_UNSUPPORTED", "NESTING_UNSUPPORTED", "GRANULE_UNSUPPORTED" -> Errno.EOPNOTSUPP;
            case "TAG_OUT_OF_RANGE" -> Errno.ENOSPC;
            case "ALREADY_ALLOCATED" -> Errno.EEXIST;
            case "UNKNOWN_DOMAIN", "PARENT_UNKNOWN" -> Errno.ENOENT;
            case "STREAM_REFUSED" -> Errno.ENODEV;
            case "ID_EXHAUSTED" -> Errno.ENOSPC;
            case "ID_UNSUPPORTED" -> Errno.EOPNOTSUPP;
            case "ID_NOT_IN_USE" -> Errno.ENOENT;
            // the flush of a freed VMID or ASID could not complete: the queue halted or was full
            case "FLUSH_FAILED" -> Errno.EIO;
            default -> Errno.EINVAL;
        };
    }
}
