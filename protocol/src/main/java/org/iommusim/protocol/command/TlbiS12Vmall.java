package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_S12_VMALL: every entry of a VMID, stage 1, stage 2 and combined. */
public record TlbiS12Vmall(int vmid) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code vmid} is outside 0..65535
     */
    public TlbiS12Vmall {
        Fields.check16("vmid", vmid);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_S12_VMALL;
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
