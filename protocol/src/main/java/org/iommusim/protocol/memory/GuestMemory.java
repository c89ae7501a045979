package org.iommusim.protocol.memory;

/**
 * The embedder's memory, from which the SMMU reads a guest's stage-1 translation tables when a CD says they
 * are there ({@code Cd.withGuestTables()}): the model's counterpart of QEMU's {@code dma_memory_read}. Each
 * read is one 64-bit descriptor at a physical address: the output of the stream's stage 2 for the IPA where
 * the guest placed the table (CD.TTB0, then each table descriptor's next-level address), so a read never
 * happens at an address stage 2 refuses.
 *
 * <p>Called on the model's translation threads (in deterministic mode, on the thread that drives the model),
 * possibly from several at once: an implementation must be thread-safe and must not call back into the model.
 * Any exception other than {@link GuestMemoryException} is taken as a bug in the implementation and answered
 * the same way (an external abort), so the transaction still gets its answer.
 * What it returns is journaled with the TLB fill it led to, so replay needs no memory (see docs/EMBEDDING.md,
 * "Guest memory").
 */
@FunctionalInterface
public interface GuestMemory {

    /** No memory attached: every read is refused, so a walk of guest tables ends in F_WALK_EABT. */
    GuestMemory NONE = address -> {
        throw new GuestMemoryException(address, "no guest memory is attached to this SMMU");
    };

    /**
     * The 64-bit descriptor at {@code address}, as the little-endian doubleword the guest wrote there.
     *
     * @param address the physical address of the descriptor, 8-byte aligned
     * @return the descriptor
     * @throws GuestMemoryException if the memory refuses the read (an external abort: F_WALK_EABT)
     */
    long readDescriptor(long address);

    /**
     * The little-endian 64-bit value of {@code bytes[offset..offset+7]}: a helper for memories kept as bytes.
     *
     * @param bytes  the memory
     * @param offset where the descriptor starts
     * @return the descriptor
     * @throws IndexOutOfBoundsException if fewer than 8 bytes follow {@code offset}
     */
    static long littleEndian(byte[] bytes, int offset) {
        java.util.Objects.checkFromIndexSize(offset, 8, bytes.length);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (bytes[offset + i] & 0xFF);
        }
        return v;
    }
}
