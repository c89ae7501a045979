package org.iommusim.protocol.translate;

import org.iommusim.protocol.bits.TextLine;

/** A transaction terminated without an event, as STE.Config ABORT requires. */
public record Terminated(int sid, String reason) implements TranslationResult {
    @Override
    public String toText() {
        return TextLine.of("TERMINATED").hex("sid", Integer.toUnsignedLong(sid)).quoted("reason", reason).toString();
    }
}
