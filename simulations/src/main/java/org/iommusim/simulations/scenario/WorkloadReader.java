package org.iommusim.simulations.scenario;

/**
 * Reads a device's {@code workload { }} object. {@code kind} decides which other keys exist, so a key of
 * another kind (a {@code ring} on a {@code random} device) is reported as unknown.
 */
final class WorkloadReader {
    /** The workload kinds, as written in a scenario ({@code nic-ring}, {@code random}, ...). */
    enum Kind { NIC_RING, RANDOM, STORAGE_SG, NESTED_GUEST }

    private static final long MAX_BUFFER = Integer.MAX_VALUE;

    private WorkloadReader() {}

    static Workload read(ConfNode n) {
        int before = n.problems().count();
        Kind kind = n.word("kind", Kind.class, null);
        if (kind == null) {
            return null; // without a kind every other key would look unknown: one message is enough
        }
        Workload w = switch (kind) {
            case NIC_RING -> nicRing(n);
            case RANDOM -> random(n);
            case STORAGE_SG -> storageSg(n);
            case NESTED_GUEST -> nestedGuest(n);
        };
        n.finish();
        return n.problems().count() > before ? null : w;
    }

    private static Workload nicRing(ConfNode n) {
        Integer ring = n.int32("ring", null, 1, Integer.MAX_VALUE);
        Long packet = n.size("packet", null, 1, MAX_BUFFER);
        Integer dma = n.int32("dma-per-packet", 1, 1, Integer.MAX_VALUE);
        return ring == null || packet == null || dma == null ? null
                : new Workload.NicRing(ring, packet.intValue(), dma);
    }

    private static Workload random(ConfNode n) {
        Long window = n.size("window", null, 1, Long.MAX_VALUE);
        Double writes = n.fraction("write-fraction", 0.0);
        return window == null || writes == null ? null : new Workload.RandomAccess(window, writes);
    }

    private static Workload storageSg(ConfNode n) {
        Integer segments = n.int32("segments", null, 1, Integer.MAX_VALUE);
        Long segment = n.size("segment", 4096L, 1, MAX_BUFFER);
        Integer dma = n.int32("dma-per-segment", Workload.StorageSg.DEFAULT_DMA_PER_SEGMENT, 1, Integer.MAX_VALUE);
        Long queue = n.size("queue", Workload.StorageSg.DEFAULT_QUEUE_BYTES, 0, MAX_BUFFER);
        return segments == null || segment == null || dma == null || queue == null ? null
                : new Workload.StorageSg(segments, segment.intValue(), dma, queue);
    }

    private static Workload nestedGuest(ConfNode n) {
        Long window = n.size("window", null, 1, Long.MAX_VALUE);
        Integer remapEvery = n.int32("remap-every", null, 1, Integer.MAX_VALUE);
        Boolean guestTables = n.bool("guest-tables", false);
        return window == null || remapEvery == null || guestTables == null ? null
                : new Workload.NestedGuest(window, remapEvery, guestTables);
    }
}
