package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_NSNH_ALL: every non-secure, non-hypervisor entry, of every VMID and both stages. */
public record TlbiNsnhAll() implements TlbiCommand {
    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_NSNH_ALL;
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
