package org.iommusim.simulations.validate;

import java.util.PriorityQueue;
import org.iommusim.persistence.timing.CmdqCosts;
import org.iommusim.persistence.timing.CommandConsumer;
import org.iommusim.persistence.timing.SharedCmdq;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.simulations.scenario.Costs;

/**
 * John Garry's 2020 map+unmap test on a HiSilicon D06 (reference section
 * 10): each of N CPUs maps and unmaps one page in a loop; each unmap sends a
 * TLBI and a CMD_SYNC through the one shared command queue and waits for the
 * sync ({@link SharedCmdq}: Linux's scheme, in virtual time). The CPU's own
 * work per map+unmap outside the queue (IOVA allocation, page-table update,
 * the DMA API) is the scenario's {@link #CPU_WORK_NS}, the same for every N;
 * what changes with N is the contention the model produces.
 */
final class MapUnmapScenario {
    static final long CPU_WORK_NS = 2_800;
    private static final int OPS_PER_CPU = 400;

    private MapUnmapScenario() {}

    /** Map+unmap operations per CPU per second with {@code cpus} CPUs. */
    static double perCpu(Costs costs, CmdqCosts cmdq, int cpus) {
        SharedCmdq q = new SharedCmdq(cmdq, new CommandConsumer(costs.commandCosts()), cpus);
        PriorityQueue<long[]> ready = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int c = 0; c < cpus; c++) {
            ready.add(new long[] {c * 7L, c});
        }
        long ops = 0;
        long end = 0;
        while (ops < (long) OPS_PER_CPU * cpus) {
            long[] cpu = ready.poll();
            long t = cpu[0] + CPU_WORK_NS;
            long done = q.submit(t, CommandOpcode.TLBI_NH_VA, 1, 1).completed();
            ops++;
            end = Math.max(end, done);
            cpu[0] = done;
            ready.add(cpu);
        }
        return ops / (double) cpus / (end / 1e9);
    }
}
