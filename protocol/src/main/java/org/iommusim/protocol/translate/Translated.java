package org.iommusim.protocol.translate;

import org.iommusim.protocol.bits.TextLine;

/**
 * A successful translation: the physical address for the request's IOVA and
 * the effective permissions of the entry that produced it.
 */
public record Translated(long outputAddress, Perms perms) implements TranslationResult {
    @Override
    public String toText() {
        return TextLine.of("TRANSLATED").hex("pa", outputAddress).word("perms", perms.compact()).toString();
    }
}
