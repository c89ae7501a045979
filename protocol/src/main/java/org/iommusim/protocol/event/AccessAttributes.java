package org.iommusim.protocol.event;

import org.iommusim.protocol.bits.TextLine;

/**
 * Attributes of the faulting transaction: PnU (dw1[33], 1 = privileged),
 * InD (dw1[34], 1 = instruction fetch) and RnW (dw1[35], 1 = read).
 */
public record AccessAttributes(boolean pnu, boolean ind, boolean rnw) {
    /** An unprivileged data read. */
    public static AccessAttributes read() {
        return new AccessAttributes(false, false, true);
    }

    /** An unprivileged data write. */
    public static AccessAttributes write() {
        return new AccessAttributes(false, false, false);
    }

    /**
     * Whether the transaction writes.
     * @return true when RnW is clear (a write), false for a read
     */
    public boolean isWrite() {
        return !rnw;
    }

    TextLine addTo(TextLine line) {
        return line.flag("pnu", pnu).flag("ind", ind).flag("rnw", rnw);
    }
}
