package org.iommusim.protocol.command;

/** CMD_SYNC {@code CS}: how completion is signalled. */
public enum SyncCompletion {
    /** Software polls the consumer index. */
    NONE,
    /** An MSI write to MSIADDR/MSIDATA (modelled as a completion notice). */
    IRQ,
    /** A send-event (WFE wake-up). */
    SEV
}
