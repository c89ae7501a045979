package org.iommusim.persistence.smmu;

import java.util.List;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.SyncCompletion;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * What an SMMU signals to software when a change of its state is recorded
 * ({@link SmmuInterrupts#raisedBy}): the event queue interrupt, a CMD_SYNC's
 * completion signal, a global error, and the loss of event records.
 */
public sealed interface SmmuInterrupt {

    /** The EVTQ interrupt: these records were written to the event queue (in order). */
    record EventQueueWritten(List<SmmuEvent> records) implements SmmuInterrupt {
        public EventQueueWritten {
            records = List.copyOf(records);
        }
    }

    /**
     * Records offered to a full event queue were lost: {@code lost} now,
     * {@code totalLost} since the SMMU was configured. The queue's overflow
     * flag is set ({@code EVTQ_PROD.OVFLG} toggles).
     */
    record EventQueueOverflow(long lost, long totalLost) implements SmmuInterrupt {}

    /**
     * A CMD_SYNC at queue index {@code index} completed with CS=IRQ (an MSI
     * write of {@code msiData} to {@code msiAddr}, with MSIATTR and MSH as the
     * command gives them) or CS=SEV (a send-event; the MSI fields are the
     * command's, unused).
     */
    record SyncSignalled(long index, SyncCompletion cs, long msiAddr, int msiData, int msiAttr, int msh)
            implements SmmuInterrupt {}

    /**
     * A global error (GERROR). The model raises {@link GlobalErrorKind#CMDQ_ERR}
     * when the command queue halts; it has no queue memory that could abort a
     * fetch or a write, so the other kinds are never raised.
     */
    record GlobalError(GlobalErrorKind kind, long index, CommandErrorCode code, String reason)
            implements SmmuInterrupt {}

    /** The GERROR bits (SMMUv3 {@code SMMU_GERROR}), bit positions as the architecture gives them. */
    enum GlobalErrorKind {
        CMDQ_ERR(0), EVTQ_ABT_ERR(2), PRIQ_ABT_ERR(3), MSI_CMDQ_ABT_ERR(4), MSI_EVTQ_ABT_ERR(5),
        MSI_PRIQ_ABT_ERR(6), MSI_GERROR_ABT_ERR(7), SFM_ERR(8);

        private final int bit;

        GlobalErrorKind(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }
}
