package org.iommusim.simulations.scenario;

/** What a device does. */
public sealed interface Workload {

    /**
     * A NIC ring: per packet the driver maps a buffer, the device DMAs into it
     * ({@code dmaPerPacket} accesses), the driver unmaps it.
     */
    record NicRing(int ringSize, int packetBytes, int dmaPerPacket) implements Workload {}

    /** Random accesses over a mapped window of {@code windowBytes}; a fraction are writes. */
    record RandomAccess(long windowBytes, double writeFraction) implements Workload {}

    /**
     * Storage I/O: a scatter-gather list of {@code segments} buffers of {@code segmentBytes}, mapped as one
     * IOVA range, each segment DMA'd {@code dmaPerSegment} times (a read and its re-reads: the second hits
     * unless its entry was removed), unmapped. The controller's command queue, {@code queueBytes} mapped
     * once at setup, is read once per I/O (one 64-byte entry after the other), so entries that an
     * invalidation removes while still mapped show as refills; 0 leaves the queue out.
     */
    record StorageSg(int segments, int segmentBytes, int dmaPerSegment, long queueBytes) implements Workload {
        public static final int DEFAULT_DMA_PER_SEGMENT = 2;
        public static final long DEFAULT_QUEUE_BYTES = 16 << 10;

        /** With the default re-reads and command queue. */
        public StorageSg(int segments, int segmentBytes) {
            this(segments, segmentBytes, DEFAULT_DMA_PER_SEGMENT, DEFAULT_QUEUE_BYTES);
        }
    }

    /**
     * A guest device behind nested translation: the guest's stage-1 buffers stay mapped while the host
     * moves the guest's memory (remaps stage 2) every {@code remapEvery} accesses.
     *
     * @param guestTables the guest keeps its stage-1 tables in its own memory, which the SMMU reads through
     *                    stage 2 (scenario key {@code guest-tables = true}); otherwise they are the model's
     */
    record NestedGuest(long windowBytes, int remapEvery, boolean guestTables) implements Workload {
        /** Stage-1 tables in the model. */
        public NestedGuest(long windowBytes, int remapEvery) {
            this(windowBytes, remapEvery, false);
        }
    }
}
