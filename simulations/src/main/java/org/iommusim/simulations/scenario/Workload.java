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

    /** Storage I/O: a scatter-gather list of {@code segments} buffers of {@code segmentBytes}, mapped, DMA'd, unmapped. */
    record StorageSg(int segments, int segmentBytes) implements Workload {}

    /**
     * A guest device behind nested translation: the guest's stage-1 buffers stay mapped while the host
     * moves the guest's memory (remaps stage 2) every {@code remapEvery} accesses.
     */
    record NestedGuest(long windowBytes, int remapEvery) implements Workload {}
}
