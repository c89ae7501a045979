package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_TLBI_S2_IPA: pure stage-2 entries of a VMID covering the IPA (or the
 * range). Combined nested entries are NOT removed: software must follow with
 * S12_VMALL or an NH_* command, which is exactly what a missing one shows.
 */
public record TlbiS2Ipa(int vmid, long ipa, boolean leaf, TlbiRange range) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code vmid} is outside 0..65535, {@code ipa} has bits above 51 or below
     *        12 set, or {@code range} is null (use {@link TlbiRange#NONE} for one address)
     */
    public TlbiS2Ipa {
        Fields.check16("vmid", vmid);
        Fields.checkIpa(ipa);
        if (range == null) {
            throw new IllegalArgumentException("range is required (TlbiRange.NONE for a single address)");
        }
    }

    /**
     * A TLBI for one IPA, not a range.
     * @return the command with {@link TlbiRange#NONE}
     * @throws IllegalArgumentException as the constructor
     */
    public static TlbiS2Ipa of(int vmid, long ipa, boolean leaf) {
        return new TlbiS2Ipa(vmid, ipa, leaf, TlbiRange.NONE);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_S2_IPA;
    }

    @Override
    public InvalidationSpan span() {
        return range.spanAt(ipa);
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | range.dw0() | Fields.vmid(vmid), Bits.put(leaf, 0) | range.dw1() | ipa);
    }

    @Override
    public String toText() {
        TextLine line = TextLine.of(opcode().name()).hex("vmid", vmid).hex("ipa", ipa).flag("leaf", leaf);
        range.appendTo(line);
        return line.toString();
    }
}
