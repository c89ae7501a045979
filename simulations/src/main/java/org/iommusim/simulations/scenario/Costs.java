package org.iommusim.simulations.scenario;

import org.iommusim.persistence.timing.CmdqCosts;
import org.iommusim.persistence.timing.CommandCosts;
import org.iommusim.persistence.timing.TranslationTiming;

/**
 * Virtual-time costs of the model's steps, in nanoseconds: a TLB hit, the
 * TCU's fixed part of a miss (its lookup), each table descriptor read by a
 * walk (the memory latency), each address-based TLBI the SMMU consumes, the
 * completion of a CMD_SYNC, a driver's map or unmap call, and each crossing of
 * the TBU-TCU link (a miss crosses twice). Defaults follow the reference's
 * measured figures (a four-read miss costs 2 x 8 + 44 + 4 x 55 = 280 ns, as on
 * Broadwell VT-d) and the calibration in docs/VALIDATION.md. The timing
 * model's rules and its other costs live in {@code persistence/timing}
 * (docs/TIMING.md); these records only name them.
 */
public record Costs(long hitNs, long missNs, long walkStepNs, long commandNs, long syncNs, long mapNs,
        long linkNs) {
    /** The shipped TBU-TCU link crossing (gem5's 8 cycles each way, at 1 GHz). */
    public static final long LINK_NS = TranslationTiming.defaults().linkNs();

    public Costs {
        if (hitNs < 0 || missNs < 0 || walkStepNs < 0 || commandNs < 0 || syncNs < 0 || mapNs < 0 || linkNs < 0) {
            throw new IllegalArgumentException("costs must be >= 0 ns");
        }
    }

    /** These costs with the shipped link crossing. */
    public Costs(long hitNs, long missNs, long walkStepNs, long commandNs, long syncNs, long mapNs) {
        this(hitNs, missNs, walkStepNs, commandNs, syncNs, mapNs, LINK_NS);
    }

    public static Costs defaults() {
        return new Costs(10, 44, 55, 50, 100, 300, LINK_NS);
    }

    /**
     * Translation costs: these latencies, with gem5's 64 translation slots
     * (the link's outstanding requests) and 16 walk slots per SMMU.
     */
    public TranslationTiming translation() {
        TranslationTiming d = TranslationTiming.defaults();
        return new TranslationTiming(hitNs, linkNs, missNs, walkStepNs, d.translationSlots(), d.walkSlots());
    }

    /** What the SMMU spends per command: {@code commandNs} per address-based TLBI, {@code syncNs} per CMD_SYNC. */
    public CommandCosts commandCosts() {
        return CommandCosts.defaults().withTlbiVaNs(commandNs).withSyncNs(syncNs);
    }

    /** The CPU side of the command queue (Linux's, after the 2020 lock rework). */
    public CmdqCosts cmdq() {
        return CmdqCosts.defaults();
    }
}
