package org.iommusim.protocol.event;

import org.iommusim.protocol.bits.Bits;

/**
 * Whether the faulting transaction is held stalled (STALL, dw1[31]) and the tag
 * software must quote to resume or terminate it (STAG, dw1[15:0]). A tag only
 * exists for a stalled transaction, so STAG must be zero when STALL is clear.
 */
public record Stall(int stag, boolean stalled) {
    /** The transaction was terminated, not stalled. */
    public static final Stall NONE = new Stall(0, false);

    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code stag} does not fit in 16 bits, or is not zero while
     *        {@code stalled} is false
     */
    public Stall {
        Bits.requireWidth("stag", stag, 16);
        if (!stalled && stag != 0) {
            throw new IllegalArgumentException(
                    "stag=0x" + Integer.toHexString(stag) + " requires stall=1");
        }
    }

    /** A stalled transaction with this tag. */
    public static Stall tagged(int stag) {
        return new Stall(stag, true);
    }
}
