package org.iommusim.simulations.engine;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import org.iommusim.protocol.translate.Access;
import org.iommusim.simulations.scenario.DeviceDef;

/**
 * A device agent: set up its buffers, then one operation per step (a packet,
 * an I/O, an access). A device may issue a late ("stray") DMA into a buffer
 * the driver already unmapped, as a device slow to stop would: that is how
 * stale translations become visible (it hits while the IOTLB still holds the
 * entry, and faults once the invalidation has removed it). How often, and how
 * far back it reaches (in its own unmap calls, or in virtual time), are the
 * device's {@code stray} settings.
 */
abstract class Device {
    final String name;
    final int sid;
    final int cpu;
    final int order;
    final Checker.Resolution resolution;
    long nextAt;
    /** The SMMU its stream is on (set once, when the run builds its devices). */
    int smmu;
    /** Mean virtual time from the start of one operation to the next (0: 50 to 250 ns after one ends). */
    long intervalNs;
    /** Its share of operations: it runs {@code weight} times as fast as a weight-1 device of the same pace. */
    int weight = 1;
    /** Always strict, whatever the driver's strategy (Linux: an untrusted, external-facing device). */
    boolean untrusted;
    /** Concurrent mode: the device's DMA in flight. */
    DmaPipe pipe;
    final String workload;
    long hits;
    long misses;
    long staleUses;
    /** The mapping its latest stale use reached. */
    MapRecord lastStale;
    long faults;
    /** Operations (steps) done. */
    long operations;
    /** Misses on a page this device had already translated under the same mapping: refills. */
    long refills;
    /** Unmap calls of its buffers; TLBIs and CMD_SYNCs its unmaps caused. */
    long unmapCalls;
    long tlbis;
    long syncs;
    /** Late DMAs issued; of those that were stale uses, the longest reach (unmap to use, ns) and most unmaps behind. */
    long strays;
    long maxStaleUseNs;
    long maxStaleUseUnmapsBehind;
    /**
     * Exposure measured from the caches ({@link CacheAudit}): of its unmapped mappings, how many a cache still
     * translated at their unmap, the longest window until none did, and the most unmap calls of its CPU since.
     */
    long exposed;
    long maxExposureNs;
    long maxUnmapsBehind;
    /** Checker violations found on its stream (translations and cache audits alike). */
    long violations;
    private double strayProbability = DeviceDef.Stray.DEFAULT_PROBABILITY;
    private int strayReachUnmaps = 256;
    private long strayReachNs;
    /** Its recent unmap calls, oldest first, with when each was unmapped. */
    private final ArrayDeque<List<MapRecord>> recentlyUnmapped = new ArrayDeque<>();
    /**
     * Pages translated since they were mapped (deterministic runs), in its domain's granule (the stage-1 one for a
     * nested stream): a later miss on one is a refill, whichever part of the page each access reached.
     */
    private final LongSet translated = new LongSet();
    /** log2 of that granule's page size. */
    private final int pageShift;

    Device(String name, int sid, int cpu, int order, Checker.Resolution resolution, long pageSize) {
        if (Long.bitCount(pageSize) != 1 || pageSize < 4096) {
            throw new IllegalArgumentException("a page is a power of two of at least 4K, got " + pageSize);
        }
        this.pageShift = Long.numberOfTrailingZeros(pageSize);
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

    /** Sets how late DMAs are issued: their probability per step, and their reach (unmap calls, or ns if > 0). */
    void stray(double probability, int reachUnmaps, long reachNs) {
        this.strayProbability = probability;
        this.strayReachUnmaps = Math.max(1, reachUnmaps);
        this.strayReachNs = reachNs;
    }

    abstract void setup(DeviceContext ctx, Clock c);

    /**
     * One operation; returns the number of translations it made. What must
     * wait for its DMA to land (unmapping the buffer) goes through
     * {@link DeviceContext#afterDma}.
     */
    abstract int step(DeviceContext ctx, Clock c, Random rnd);

    /** Its own new mappings: their pages start cold. */
    void mapped(List<MapRecord> records) {
        forget(records);
    }

    /** One of its unmap calls, now within reach of its late DMAs. */
    void unmapped(List<MapRecord> records) {
        forget(records);
        recentlyUnmapped.addLast(records);
        if (strayReachNs <= 0 && recentlyUnmapped.size() > strayReachUnmaps) {
            recentlyUnmapped.removeFirst();
        }
    }

    private void forget(List<MapRecord> records) {
        for (MapRecord r : records) {
            for (long p = r.iova >>> pageShift; p << pageShift < r.iova + r.size; p++) {
                translated.remove(p);
            }
        }
    }

    /** A translation of {@code iova} by this device: whether it missed a page it had translated before. */
    void translatedPage(long iova, boolean miss) {
        if (!translated.add(iova >>> pageShift) && miss) {
            refills++;
        }
    }

    /** Maybe a late DMA into a buffer unmapped within reach; returns translations made (0 or 1). */
    int stray(DeviceContext ctx, Clock c, Random rnd) {
        if (strayReachNs > 0) {
            while (!recentlyUnmapped.isEmpty() && c.now() - recentlyUnmapped.peekFirst().get(0).unmapAt > strayReachNs) {
                recentlyUnmapped.removeFirst();
            }
        }
        if (recentlyUnmapped.isEmpty() || rnd.nextDouble() >= strayProbability) {
            return 0;
        }
        int pick = rnd.nextInt(recentlyUnmapped.size());
        List<MapRecord> call = null;
        for (List<MapRecord> u : recentlyUnmapped) {
            if (pick-- == 0) {
                call = u;
                break;
            }
        }
        MapRecord r = call.get(rnd.nextInt(call.size()));
        long t = c.now();
        long staleBefore = staleUses;
        strays++;
        ctx.dma(this, r.iova + (rnd.nextLong(r.size) & ~63L), Access.WRITE, c);
        if (staleUses > staleBefore && lastStale != null) {
            // deterministic runs: answered and checked already; the mapping reached may be a later one at the
            // same IOVA, itself unmapped and waiting for its flush
            MapRecord m = lastStale;
            maxStaleUseNs = Math.max(maxStaleUseNs, t - m.unmapAt);
            maxStaleUseUnmapsBehind = Math.max(maxStaleUseUnmapsBehind,
                    ctx.driver().unmapCalls(m.unmapCpu) - m.unmapOrdinal);
        }
        return 1;
    }
}
