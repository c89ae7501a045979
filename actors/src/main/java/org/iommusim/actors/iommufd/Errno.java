package org.iommusim.actors.iommufd;

/**
 * The Linux errno values the iommufd-style layer answers with, named and
 * numbered as in {@code <asm-generic/errno-base.h>} and {@code errno.h}, so a
 * VMM model can pass them on to its guest or its tests unchanged.
 */
public enum Errno {
    /** No such object, nothing mapped in the range, or a range that cuts an area. */
    ENOENT(2),
    /** The calling thread was interrupted while it waited. */
    EINTR(4),
    /** The command data is invalid: iommufd's answer for a bad guest STE or guest command. */
    EIO(5),
    /** The host (the {@code /dev/iommu} file descriptor) is closed. */
    EBADF(9),
    /** A payload longer than the structure with non-zero trailing bytes. */
    E2BIG(7),
    /** Nothing was done and the request may succeed later: the model had more calls in flight than it holds. */
    EAGAIN(11),
    /** The object is in use; or no ASID left (arm-smmu-v3's {@code xa_alloc} answer). */
    EBUSY(16),
    /** Something is already mapped there, or the ID is already taken. */
    EEXIST(17),
    /** The device (StreamID) does not exist behind this SMMU. */
    ENODEV(19),
    /** A malformed request: wrong object type, wrong length, bad parent. */
    EINVAL(22),
    /** No VMID left. */
    ENOSPC(28),
    /** An address beyond what the table can hold. */
    ERANGE(34),
    /** No answer in time: a CMD_SYNC that did not complete (arm-smmu-v3's {@code arm_smmu_cmdq_poll_until_sync}). */
    ETIMEDOUT(110),
    /** The request is valid but this SMMU or this driver does not support it. */
    EOPNOTSUPP(95);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The positive errno number (Linux returns its negation). */
    public int number() {
        return number;
    }
}
