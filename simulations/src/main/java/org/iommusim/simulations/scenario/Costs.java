package org.iommusim.simulations.scenario;

import org.iommusim.persistence.timing.CmdqCosts;
import org.iommusim.persistence.timing.CommandCosts;
import org.iommusim.persistence.timing.TranslationTiming;

/**
 * Virtual-time costs of the model's steps, in nanoseconds: a TLB hit, the
 * fixed part of a miss (the TBU-TCU round trip), each table descriptor read
 * by a walk (the memory latency), each address-based TLBI the SMMU consumes,
 * the completion of a CMD_SYNC, and a driver's map or unmap call. Defaults
 * follow the reference's measured figures (a four-read miss costs 280 ns, as
 * on Broadwell VT-d) and the calibration in docs/VALIDATION.md. The timing
 * model's rules and its other costs live in {@code persistence/timing}
 * (docs/TIMING.md); these records only name them.
 */
public record Costs(long hitNs, long missNs, long walkStepNs, long commandNs, long syncNs, long mapNs) {
    public static Costs defaults() {
        return new Costs(10, 60, 55, 50, 100, 300);
    }

    /** Translation costs: these latencies, with gem5's 64 translation and 16 walk slots per SMMU. */
    public TranslationTiming translation() {
        TranslationTiming d = TranslationTiming.defaults();
        return new TranslationTiming(hitNs, missNs, walkStepNs, d.translationSlots(), d.walkSlots());
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
