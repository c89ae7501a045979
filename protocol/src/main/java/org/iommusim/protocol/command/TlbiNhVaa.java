package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_NH_VAA: like NH_VA, for every ASID of the VMID. */
public record TlbiNhVaa(int vmid, long va, boolean leaf, TlbiRange range) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code vmid} is outside 0..65535, {@code va} has bits below 12 set (it
     *        is a 4K-aligned address), or {@code range} is null (use {@link TlbiRange#NONE} for one address)
     */
    public TlbiNhVaa {
        Fields.check16("vmid", vmid);
        Fields.checkVa(va);
        if (range == null) {
            throw new IllegalArgumentException("range is required (TlbiRange.NONE for a single address)");
        }
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_NH_VAA;
    }

    @Override
    public InvalidationSpan span() {
        return range.spanAt(va);
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | range.dw0() | Fields.vmid(vmid), Bits.put(leaf, 0) | range.dw1() | va);
    }

    @Override
    public String toText() {
        TextLine line = TextLine.of(opcode().name()).hex("vmid", vmid).hex("va", va).flag("leaf", leaf);
        range.appendTo(line);
        return line.toString();
    }
}
