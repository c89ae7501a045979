package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_EL2_ALL: every EL2 (hypervisor) entry. Needs IDR0.HYP. */
public record TlbiEl2All() implements TlbiCommand {
    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_EL2_ALL;
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
