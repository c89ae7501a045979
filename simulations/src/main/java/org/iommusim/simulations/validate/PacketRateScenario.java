package org.iommusim.simulations.validate;

import org.iommusim.persistence.timing.CommandConsumer;
import org.iommusim.persistence.timing.SharedCmdq;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.simulations.scenario.Costs;

/**
 * One CPU serving a 40 Gb/s NIC with 1,500-byte packets (3.33 M packets/s
 * offered), as in rIOMMU (ASPLOS 2015) and Gross's deferred-flush work: per
 * packet the network stack's own work ({@link #STACK_NS}), then, with an
 * IOMMU, a map and an unmap; strict mode waits for a TLBI and CMD_SYNC per
 * unmap; lazy mode queues the IOVA and flushes the domain (one whole-ASID
 * TLBI and a sync) once per 256 entries. Achieved rate: the offered rate, or
 * what the CPU can do if less.
 */
final class PacketRateScenario {
    static final double OFFERED_PPS = 40e9 / (1500 * 8);
    static final long STACK_NS = 250;
    static final int FLUSH_QUEUE = 256;
    private static final int PACKETS = 4 * FLUSH_QUEUE * 8;

    enum Mode { NONE, STRICT, LAZY }

    private PacketRateScenario() {}

    /** Packets per second achieved in {@code mode}. */
    static double achieved(Costs costs, Mode mode) {
        SharedCmdq q = new SharedCmdq(costs.cmdq(), new CommandConsumer(costs.commandCosts()), 1);
        long t = 0;
        int queued = 0;
        for (int p = 0; p < PACKETS; p++) {
            t += STACK_NS;
            if (mode == Mode.NONE) {
                continue;
            }
            t += 2 * costs.mapNs(); // dma_map and dma_unmap calls
            if (mode == Mode.STRICT) {
                t = q.submit(t, CommandOpcode.TLBI_NH_VA, 1, 1).completed();
            } else if (++queued == FLUSH_QUEUE) {
                t = q.submit(t, CommandOpcode.TLBI_NH_ASID, 1, 1).completed();
                queued = 0;
            }
        }
        return Math.min(OFFERED_PPS, PACKETS * 1e9 / t);
    }
}
