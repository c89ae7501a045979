package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_EL2_ASID: every EL2 entry of an ASID. Needs IDR0.HYP. */
public record TlbiEl2Asid(int asid) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code asid} is outside 0..65535
     */
    public TlbiEl2Asid {
        Fields.check16("asid", asid);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_EL2_ASID;
    }

    @Override
    public InvalidationSpan span() {
        return InvalidationSpan.ALL;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Fields.asid(asid), 0);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("asid", asid).toString();
    }
}
