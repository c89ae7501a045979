package org.iommusim.simulations.validate;

import org.iommusim.persistence.timing.CommandConsumer;
import org.iommusim.persistence.timing.SharedCmdq;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.simulations.scenario.Costs;

/**
 * The unmap-cost-by-size measurements (Qualcomm SM8150, per-page TLBIs, no
 * range invalidation): one unmap call of N 4 KB pages clears N page-table
 * entries ({@link #PTE_CLEAR_NS} each, io-pgtable's walk and clear), then
 * sends one TLBI per page in batches of 64 (Linux's CMDQ_BATCH_ENTRIES), the
 * last with a CMD_SYNC the CPU waits for, through the shared command queue.
 */
final class UnmapSizeScenario {
    static final long PTE_CLEAR_NS = 75;
    static final int BATCH = 64;

    private UnmapSizeScenario() {}

    /** Nanoseconds from the unmap call to its CMD_SYNC's completion. */
    static long unmapNs(Costs costs, long pages) {
        SharedCmdq q = new SharedCmdq(costs.cmdq(), new CommandConsumer(costs.commandCosts()), 1);
        long t = costs.mapNs() + pages * PTE_CLEAR_NS;
        for (long sent = 0; sent < pages; sent += BATCH) {
            int n = (int) Math.min(BATCH, pages - sent);
            boolean last = sent + n >= pages;
            SharedCmdq.Submission s = q.submit(t, CommandOpcode.TLBI_NH_VA, n, last ? 1 : 0);
            t = last ? s.completed() : s.inserted();
        }
        return t;
    }
}
