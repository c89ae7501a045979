package org.iommusim.simulations.engine;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import org.iommusim.protocol.translate.Access;

/**
 * A device agent: set up its buffers, then one operation per step (a packet,
 * an I/O, an access). Every device sometimes issues a late DMA into a buffer
 * the driver recently unmapped, as a device slow to stop would: that is how
 * stale translations become visible (it hits while the IOTLB still holds the
 * entry, and faults once the invalidation has removed it).
 */
abstract class Device {
    static final double STRAY_PROBABILITY = 0.05;
    private static final int RECENT = 16;

    final String name;
    final int sid;
    final int cpu;
    final int order;
    final Checker.Resolution resolution;
    long nextAt;
    /** Mean virtual time from the start of one operation to the next (0: 50 to 250 ns after one ends). */
    long intervalNs;
    /** Concurrent mode: the device's DMA in flight. */
    DmaPipe pipe;
    final String workload;
    long hits;
    long misses;
    long staleUses;
    long faults;
    private final ArrayDeque<MapRecord> recentlyUnmapped = new ArrayDeque<>();

    Device(String name, int sid, int cpu, int order, Checker.Resolution resolution) {
        this.workload = switch (getClass().getSimpleName()) {
            case "Nic" -> "nic-ring";
            case "RandomAccess" -> "random";
            case "Storage" -> "storage-sg";
            default -> "nested-guest";
        };
        this.name = name;
        this.sid = sid;
        this.cpu = cpu;
        this.order = order;
        this.resolution = resolution;
    }

    abstract void setup(DeviceContext ctx, Clock c);

    /**
     * One operation; returns the number of translations it made. What must
     * wait for its DMA to land (unmapping the buffer) goes through
     * {@link DeviceContext#afterDma}.
     */
    abstract int step(DeviceContext ctx, Clock c, Random rnd);

    void unmapped(List<MapRecord> records) {
        for (MapRecord r : records) {
            recentlyUnmapped.addLast(r);
            if (recentlyUnmapped.size() > RECENT) {
                recentlyUnmapped.removeFirst();
            }
        }
    }

    /** Maybe a late DMA into a recently unmapped buffer; returns translations made (0 or 1). */
    int stray(DeviceContext ctx, Clock c, Random rnd) {
        if (recentlyUnmapped.isEmpty() || rnd.nextDouble() >= STRAY_PROBABILITY) {
            return 0;
        }
        MapRecord r = recentlyUnmapped.toArray(new MapRecord[0])[rnd.nextInt(recentlyUnmapped.size())];
        ctx.dma(this, r.iova + (rnd.nextLong(r.size) & ~63L), Access.WRITE, c);
        return 1;
    }
}
