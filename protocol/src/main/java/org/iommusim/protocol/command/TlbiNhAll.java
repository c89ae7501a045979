package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_NH_ALL: every stage-1 (and combined nested) entry of a VMID. */
public record TlbiNhAll(int vmid) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code vmid} is outside 0..65535
     */
    public TlbiNhAll {
        Fields.check16("vmid", vmid);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_NH_ALL;
    }

    @Override
    public InvalidationSpan span() {
        return InvalidationSpan.ALL;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Fields.vmid(vmid), 0);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("vmid", vmid).toString();
    }
}
