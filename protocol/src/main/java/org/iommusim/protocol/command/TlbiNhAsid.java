package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_TLBI_NH_ASID: every stage-1 (and combined) entry of (VMID, ASID). */
public record TlbiNhAsid(int vmid, int asid) implements TlbiCommand {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code vmid} or {@code asid} is outside 0..65535
     */
    public TlbiNhAsid {
        Fields.check16("vmid", vmid);
        Fields.check16("asid", asid);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.TLBI_NH_ASID;
    }

    @Override
    public InvalidationSpan span() {
        return InvalidationSpan.ALL;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Fields.vmid(vmid) | Fields.asid(asid), 0);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("asid", asid).hex("vmid", vmid).toString();
    }
}
