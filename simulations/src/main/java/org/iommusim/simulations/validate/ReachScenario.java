package org.iommusim.simulations.validate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import org.iommusim.persistence.timing.SmmuTiming;
import org.iommusim.persistence.timing.TranslationTiming;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.simulations.scenario.Costs;

/**
 * pcie-bench's IOTLB reach experiment (Neugebauer et al., SIGCOMM 2018) on
 * the model's timing rules: a device reads 64 bytes at random 4 KB pages of a
 * window, keeping {@link #OUTSTANDING} reads in flight; each read is
 * translated (a hit, or a four-read walk that holds the walker) and then
 * crosses PCIe to memory and back. The hardware under test, as the paper
 * describes it: a Broadwell VT-d IOTLB of about 64 entries (modelled fully
 * associative, LRU), one page walk at a time, a 590 ns PCIe round trip. The
 * walk's cost is the shipped one ({@link Costs}); so are the hit latency and
 * the rules ({@link SmmuTiming}).
 */
final class ReachScenario {
    static final int TLB_ENTRIES = 64;
    static final int OUTSTANDING = 6;
    static final long PCIE_ROUND_TRIP_NS = 590;
    static final int WALK_READS = 4;
    private static final int READS = 40_000;

    /** Throughput (reads per second) and mean latency of one window. */
    record Result(double readsPerSecond, double meanLatencyNs) {}

    private ReachScenario() {}

    static Result run(Costs costs, long windowBytes, int outstanding) {
        TranslationTiming t = new TranslationTiming(costs.hitNs(), costs.linkNs(), costs.missNs(), costs.walkStepNs(),
                Math.max(outstanding, 1), 1);
        SmmuTiming smmu = new SmmuTiming(t, costs.commandCosts(), costs.cmdq(), 1);
        Map<Long, Boolean> tlb = new LinkedHashMap<>(TLB_ENTRIES * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > TLB_ENTRIES;
            }
        };
        long pages = Math.max(1, windowBytes / 4096);
        Random rnd = new Random(2018);
        PriorityQueue<long[]> lanes = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int i = 0; i < outstanding; i++) {
            lanes.add(new long[] {0, i});
        }
        // warm the TLB first, so the figures are the steady state the paper reports
        for (int i = 0; i < 4 * TLB_ENTRIES; i++) {
            tlb.put(rnd.nextLong(pages), Boolean.TRUE);
        }
        long latencyTotal = 0;
        long first = -1;
        long last = 0;
        for (int i = 0; i < READS; i++) {
            long[] lane = lanes.poll();
            long at = lane[0];
            long page = rnd.nextLong(pages);
            boolean hit = tlb.get(page) != null;
            if (!hit) {
                tlb.put(page, Boolean.TRUE);
            }
            long translated = smmu.translate(at, hit ? Outcome.Path.HIT : Outcome.Path.MISS, WALK_READS).answered();
            long done = translated + PCIE_ROUND_TRIP_NS;
            latencyTotal += done - at;
            if (i == READS / 10) {
                first = at; // skip the start-up, when every lane begins at once
            }
            last = done;
            lane[0] = done;
            lanes.add(lane);
        }
        int measured = READS - READS / 10;
        return new Result(measured * 1e9 / (last - first), (double) latencyTotal / READS);
    }
}
