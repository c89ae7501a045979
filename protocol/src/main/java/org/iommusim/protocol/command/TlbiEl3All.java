package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_EL3_ALL: every EL3 (Secure monitor) entry. Only meaningful on a Secure command queue. */
public record TlbiEl3All() implements TlbiCommand {
    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_EL3_ALL;
    }

    @Override
    public InvalidationSpan span() {
        return InvalidationSpan.ALL;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()), 0);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).toString();
    }
}
