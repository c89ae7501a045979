package org.iommusim.simulations.report;

import java.util.List;

/**
 * What the timing model measured in a deterministic run, in virtual time
 * (docs/TIMING.md): translation latency per device and per level where it was
 * answered, the CMD_SYNC latency as the waiting CPU saw it, what an unmap
 * cost by its size, and each device's achieved DMA rate. Absent (null in the
 * report) in concurrent runs, whose time is the host's.
 *
 * @param translation one row per (device, level): level is {@code tlb} (a TLB hit), {@code walk} (a miss that walked)
 *                    or {@code config} (answered by the configuration alone); after a {@code walk} row, a
 *                    {@code link-wait} row gives the part of those misses' latency spent waiting for the TBU-TCU
 *                    link (a component of the walk row, not a level of its own)
 * @param cmdSync     every CMD_SYNC a CPU waited for, from its submission to its completion
 * @param unmapCost   unmap calls grouped by pages (up to a power of two), from the call to its IOVAs' release
 * @param dma         per device: DMAs translated and per virtual second; operations (a packet, an I/O, a
 *                    guest step) done per virtual second against those offered (its pace, 0 when unpaced: as
 *                    fast as it can)
 * @param resources   the SMMUs' slots and queues: how often and how long requests waited
 */
public record TimingReport(List<LevelLatency> translation, Distribution cmdSync, List<UnmapCost> unmapCost,
        List<DmaRate> dma, Resources resources) {

    /** The level of a row after a device's {@code walk} row: how long its misses waited for the TBU-TCU link. */
    public static final String LINK_WAIT = "link-wait";

    public record LevelLatency(String device, String level, long count, double meanNs, long p50Ns, long p99Ns,
            long maxNs) {}

    public record Distribution(long count, double meanNs, long p50Ns, long p99Ns, long maxNs,
            List<SimulationReport.Bucket> histogram) {}

    public record UnmapCost(long upToPages, long count, double meanNs, long maxNs) {}

    public record DmaRate(String device, long translations, double perSecond, double operationsPerSecond,
            double offeredOperationsPerSecond) {}

    /** This report with {@code rates} as its DMA rates. */
    public TimingReport withDma(List<DmaRate> rates) {
        return new TimingReport(translation, cmdSync, unmapCost, rates, resources);
    }

    /**
     * Summed over the SMMUs: misses that waited for the TBU-TCU link (every
     * one of the TCU's translation slots, the link's outstanding requests,
     * taken) and walks that waited for a walk slot, and for how long in all; submissions to the command queues, and how many
     * of them another CPU's producer-index write carried (owner gathering).
     */
    public record Resources(long translationSlotWaits, long translationSlotWaitNs, long walkSlotWaits,
            long walkSlotWaitNs, long submissions, long gathered) {}
}
