package org.iommusim.actors.api;

import org.iommusim.protocol.command.SyncCompletion;

/**
 * A completed CMD_SYNC's completion signal. With CS=IRQ it is the MSI write:
 * {@code msiData} (32 bits) written to {@code msiAddress} (bits [51:2] of
 * the command) with the command's MSIATTR and MSH. With CS=SEV the SMMU
 * sends an event (WFE wake-up); the MSI fields are the command's, unused.
 * Immutable, safe to share between threads.
 *
 * @param index the CMD_SYNC's index in the command queue (from 0)
 */
public record SyncSignal(long index, SyncCompletion cs, long msiAddress, int msiData, int msiAttr, int msh) {

    /** Whether this is an MSI write (CS=IRQ). */
    public boolean isMsi() {
        return cs == SyncCompletion.IRQ;
    }
}
