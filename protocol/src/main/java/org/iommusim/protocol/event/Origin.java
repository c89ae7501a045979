package org.iommusim.protocol.event;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * Who the event is about: StreamID (dw0[63:32]) and, when SSV (dw0[11]) is set,
 * SubstreamID (dw0[31:12]).
 *
 * <p>{@code sid} is a 32-bit unsigned value held in an {@code int}; use
 * {@link #sidUnsigned()} for arithmetic and display. SSID is meaningless
 * without SSV, so it must then be zero: that keeps one encoding per event and
 * makes record equality mean "same event".
 */
public record Origin(int sid, boolean ssv, int ssid) {
    /**
     * Checks the fields; {@code sid} takes all 32 bits (unsigned).
     * @throws IllegalArgumentException if {@code ssid} does not fit in 20 bits, or is not zero while {@code ssv}
     *        is clear
     */
    public Origin {
        Bits.requireWidth("ssid", ssid, 20);
        if (!ssv && ssid != 0) {
            throw new IllegalArgumentException(
                    "ssid=0x" + Integer.toHexString(ssid) + " requires ssv=1");
        }
    }

    /** A stream with no substream; {@code sid} must fit in 32 unsigned bits. */
    public static Origin stream(long sid) {
        Bits.requireWidth("sid", sid, 32);
        return new Origin((int) sid, false, 0);
    }

    /** A substream of a stream; {@code sid} must fit in 32 unsigned bits, {@code ssid} in 20. */
    public static Origin substream(long sid, int ssid) {
        Bits.requireWidth("sid", sid, 32);
        return new Origin((int) sid, true, ssid);
    }

    /**
     * The StreamID as an unsigned value, 0 to 2^32-1.
     * @return {@code sid} read as unsigned
     */
    public long sidUnsigned() {
        return Integer.toUnsignedLong(sid);
    }

    TextLine addTo(TextLine line) {
        return line.hex("sid", sidUnsigned()).flag("ssv", ssv).hex("ssid", ssid);
    }
}
