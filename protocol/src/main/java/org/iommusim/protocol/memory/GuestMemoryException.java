package org.iommusim.protocol.memory;

/**
 * A {@link GuestMemory} refused a read: the SMMU sees an external abort on its table walk and records
 * F_WALK_EABT (Arm IHI 0070, 7.3.11) for the transaction that walked.
 */
public final class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long address;

    /**
     * @param address the physical address whose read was refused
     * @param reason  why, for the log and the embedder
     */
    public GuestMemoryException(long address, String reason) {
        super("guest memory refused the read at 0x" + Long.toHexString(address) + ": " + reason);
        this.address = address;
    }

    /**
     * The physical address whose read was refused.
     *
     * @return the address
     */
    public long address() {
        return address;
    }
}
