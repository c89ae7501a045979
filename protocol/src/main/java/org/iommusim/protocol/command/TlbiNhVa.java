package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_TLBI_NH_VA: stage-1 (and combined) entries of (VMID, ASID) covering VA,
 * or the range when TG is set.
 *
 * @param leaf only leaf entries changed, so walk caches may be kept
 */
public record TlbiNhVa(int vmid, int asid, long va, boolean leaf, TlbiRange range) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code vmid} or {@code asid} is outside 0..65535, {@code va} has bits
     *        below 12 set (it is a 4K-aligned address), or {@code range} is null (use {@link TlbiRange#NONE} for
     *        one address)
     */
    public TlbiNhVa {
        Fields.check16("vmid", vmid);
        Fields.check16("asid", asid);
        Fields.checkVa(va);
        if (range == null) {
            throw new IllegalArgumentException("range is required (TlbiRange.NONE for a single address)");
        }
    }

    /**
     * A TLBI for one address, not a range.
     * @return the command with {@link TlbiRange#NONE}
     * @throws IllegalArgumentException as the constructor
     */
    public static TlbiNhVa of(int vmid, int asid, long va, boolean leaf) {
        return new TlbiNhVa(vmid, asid, va, leaf, TlbiRange.NONE);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_NH_VA;
    }

    @Override
    public InvalidationSpan span() {
        return range.spanAt(va);
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | range.dw0() | Fields.vmid(vmid) | Fields.asid(asid),
                Bits.put(leaf, 0) | range.dw1() | va);
    }

    @Override
    public String toText() {
        TextLine line = TextLine.of(opcode().name()).hex("asid", asid).hex("vmid", vmid).hex("va", va).flag("leaf", leaf);
        range.appendTo(line);
        return line.toString();
    }
}
