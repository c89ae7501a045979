package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_EL2_VAA: EL2 entries of every ASID covering VA (or the range). Needs IDR0.HYP. */
public record TlbiEl2Vaa(long va, boolean leaf, TlbiRange range) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code va} has bits below 12 set (it is a 4K-aligned address), or
     *        {@code range} is null (use {@link TlbiRange#NONE} for one address)
     */
    public TlbiEl2Vaa {
        Fields.checkVa(va);
        if (range == null) {
            throw new IllegalArgumentException("range is required (TlbiRange.NONE for a single address)");
        }
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_EL2_VAA;
    }

    @Override
    public InvalidationSpan span() {
        return range.spanAt(va);
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | range.dw0(), Bits.put(leaf, 0) | range.dw1() | va);
    }

    @Override
    public String toText() {
        TextLine line = TextLine.of(opcode().name()).hex("va", va).flag("leaf", leaf);
        range.appendTo(line);
        return line.toString();
    }
}
