package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_STALL_TERM: terminate every stalled transaction of a stream. The
 * reference gives no layout; this follows the architecture (SID in dw0[63:32]).
 */
public record StallTerm(int sid) implements Command {
    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.STALL_TERM;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Fields.sid(sid), 0);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).toString();
    }
}
