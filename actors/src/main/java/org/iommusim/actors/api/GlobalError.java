package org.iommusim.actors.api;

import org.iommusim.protocol.command.CommandErrorCode;

/**
 * A global error (SMMUv3 {@code SMMU_GERROR}).
 * Immutable, safe to share between threads.
 *
 * @param index  for {@link Kind#CMDQ_ERR}, the command queue index the queue halted at
 * @param code   for {@link Kind#CMDQ_ERR}, {@code CMDQ_CONS.ERR}
 * @param reason one line: what was wrong
 */
public record GlobalError(Kind kind, long index, CommandErrorCode code, String reason) {

    /**
     * GERROR's bits. The model raises {@link #CMDQ_ERR} (the command queue
     * halted: resume it with {@link IommuSim#resume}); it keeps its queues in
     * no memory that could abort a fetch or a write, so the other kinds are
     * defined but never raised.
     */
    public enum Kind {
        CMDQ_ERR(0), EVTQ_ABT_ERR(2), PRIQ_ABT_ERR(3), MSI_CMDQ_ABT_ERR(4), MSI_EVTQ_ABT_ERR(5),
        MSI_PRIQ_ABT_ERR(6), MSI_GERROR_ABT_ERR(7), SFM_ERR(8);

        private final int bit;

        Kind(int bit) {
            this.bit = bit;
        }

        /** The bit of {@code SMMU_GERROR}. */
        public int bit() {
            return bit;
        }
    }
}
