package org.iommusim.protocol.event;

import java.util.Objects;
import org.iommusim.protocol.bits.Hex;
import org.iommusim.protocol.bits.TextLine;

/** Four words that are not a well-formed event, and the first problem found in them. */
public record EventDecodeError(RawEvent raw, String reason) implements EventDecode {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code raw} or {@code reason} is null
     */
    public EventDecodeError {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(reason, "reason");
    }

    /** E.g. {@code EVENT_ERROR reason="unknown event id 0x3f" dw0=0x000000000000003f ...}. */
    @Override
    public String toText() {
        // Full-width words: this line is for comparing against a memory dump.
        return TextLine.of("EVENT_ERROR")
                .quoted("reason", reason)
                .word("dw0", Hex.word(raw.dw0()))
                .word("dw1", Hex.word(raw.dw1()))
                .word("dw2", Hex.word(raw.dw2()))
                .word("dw3", Hex.word(raw.dw3()))
                .toString();
    }
}
