package org.iommusim.actors.iommufd.internal;

import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.iommufd.Errno;
import org.iommusim.actors.iommufd.IommufdException;
import org.iommusim.persistence.domain.DomainError;
import org.iommusim.persistence.ids.IdKind;
import org.iommusim.persistence.pagetable.PageTableError;

/**
 * From the model's refusal kinds to iommufd's errno, by exhaustive switches
 * over the kinds (a new kind does not compile until it is given an errno).
 * Page-table kinds carry their own errno ({@link PageTableError.Kind#errno()}),
 * so that mapping lives in one place; the others are mapped the way Linux
 * answers the equivalent condition. The model's message is kept.
 */
public final class ModelErrors {
    private ModelErrors() {}

    public static IommufdException of(ModelException e) {
        return new IommufdException(errnoOf(e.kind()), e.getMessage());
    }

    /**
     * A refused VMID or ASID allocation, answered as arm-smmu-v3 does:
     * {@code ida_alloc_range} of the VMID map fails with ENOSPC, but
     * {@code xa_alloc} of the ASID xarray with EBUSY.
     */
    public static Errno tagErrno(IdKind kind, ModelException.Kind modelKind) {
        if (kind == IdKind.ASID && modelKind == ModelException.Kind.ID_EXHAUSTED) {
            return Errno.EBUSY;
        }
        return errnoOf(modelKind);
    }

    /** A domain-allocation refusal of the pure rule, checked by the host before it asks the model. */
    public static Errno errnoOf(DomainError error) {
        return switch (error.kind()) {
            case UNKNOWN_DOMAIN -> errnoOf(ModelException.Kind.UNKNOWN_DOMAIN);
            case ALREADY_ALLOCATED -> errnoOf(ModelException.Kind.ALREADY_ALLOCATED);
            case STAGE_UNSUPPORTED -> errnoOf(ModelException.Kind.STAGE_UNSUPPORTED);
            case NESTING_UNSUPPORTED -> errnoOf(ModelException.Kind.NESTING_UNSUPPORTED);
            case PARENT_UNKNOWN -> errnoOf(ModelException.Kind.PARENT_UNKNOWN);
            case PARENT_NOT_STAGE2 -> errnoOf(ModelException.Kind.PARENT_NOT_STAGE2);
            case NESTED_ON_NESTED -> errnoOf(ModelException.Kind.NESTED_ON_NESTED);
            case GRANULE_UNSUPPORTED -> errnoOf(ModelException.Kind.GRANULE_UNSUPPORTED);
            case ADDRESS_SIZE_UNSUPPORTED -> errnoOf(ModelException.Kind.ADDRESS_SIZE_UNSUPPORTED);
            case TAG_OUT_OF_RANGE -> errnoOf(ModelException.Kind.TAG_OUT_OF_RANGE);
            case PAGE_TABLE -> pageTable(error.pageTable().kind());
        };
    }

    public static Errno errnoOf(ModelException.Kind kind) {
        return switch (kind) {
            // page tables: the errno PageTable itself names (iopt_map_pages / iopt_unmap_iova_range's answers)
            case OVERLAP -> pageTable(PageTableError.Kind.OVERLAP);
            case NOT_MAPPED -> pageTable(PageTableError.Kind.NOT_MAPPED);
            case PARTIAL_UNMAP -> pageTable(PageTableError.Kind.PARTIAL_UNMAP);
            case MISALIGNED -> pageTable(PageTableError.Kind.MISALIGNED);
            case IOVA_BEYOND_IAS -> pageTable(PageTableError.Kind.IOVA_BEYOND_IAS);
            case PA_BEYOND_OAS -> pageTable(PageTableError.Kind.PA_BEYOND_OAS);
            case ZERO_SIZE -> pageTable(PageTableError.Kind.ZERO_SIZE);
            case NO_ACCESS -> pageTable(PageTableError.Kind.NO_ACCESS);
            case UNKNOWN_DOMAIN -> pageTable(PageTableError.Kind.UNKNOWN_DOMAIN);
            // a feature the SMMU does not advertise: arm_smmu_domain_alloc_paging_flags answers EOPNOTSUPP
            case STAGE_UNSUPPORTED, NESTING_UNSUPPORTED, GRANULE_UNSUPPORTED, ID_UNSUPPORTED -> Errno.EOPNOTSUPP;
            // iommufd_hwpt_nested_alloc: a parent that cannot nest is -EINVAL; address sizes the
            // io-pgtable cannot make are refused as a bad argument by alloc_io_pgtable_ops' config check
            case PARENT_NOT_STAGE2, NESTED_ON_NESTED, ADDRESS_SIZE_UNSUPPORTED -> Errno.EINVAL;
            case TAG_OUT_OF_RANGE, ID_EXHAUSTED -> Errno.ENOSPC; // ida_alloc_range of the VMID map
            case ALREADY_ALLOCATED, DUPLICATE_SMMU -> Errno.EEXIST;
            case PARENT_UNKNOWN, ID_NOT_IN_USE -> Errno.ENOENT;
            // the device is not there behind this SMMU (arm_smmu_probe_device: no master for the StreamID)
            case STREAM_REFUSED, UNKNOWN_SMMU -> Errno.ENODEV;
            // a request of the facade's own the host never makes (bursts) or the SMMU refused: a bad argument
            case REJECTED, BURST_EMPTY, BURST_TOO_LARGE, BURST_IN_FLIGHT -> Errno.EINVAL;
            // the queue halted on a command: arm_smmu_cmdq_issue_cmdlist's caller sees the command not take
            // effect, which Linux reports as an I/O error; a freed tag's flush failing likewise
            case CERROR_ILL, CERROR_ABT, CERROR_ATC_INV_SYNC, FLUSH_FAILED -> Errno.EIO;
            // the queue had no room and nothing was done; try again (arm_smmu_cmdq_poll_until_not_full waits)
            case QUEUE_FULL, OVERLOADED -> Errno.EAGAIN;
            // no answer in time, or (deterministic mode) never: arm_smmu_cmdq_poll_until_sync's -ETIMEDOUT
            case TIMEOUT, STUCK -> Errno.ETIMEDOUT;
            case INTERRUPTED -> Errno.EINTR;
            // the SMMU is gone, as a device removed under its driver: iommufd answers -ENODEV
            case CLOSED -> Errno.ENODEV;
            // the model could not make the change durable or lost an actor: an I/O error, nothing acknowledged
            case JOURNAL_FAILED, JOURNAL_DAMAGED, JOURNAL_UNAVAILABLE, MODEL_FAILED -> Errno.EIO;
        };
    }

    private static Errno pageTable(PageTableError.Kind kind) {
        return Errno.valueOf(kind.errno());
    }
}
