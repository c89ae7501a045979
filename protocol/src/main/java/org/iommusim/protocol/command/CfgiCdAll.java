package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.TextLine;

/** CMD_CFGI_CD_ALL: drop every cached CD of a stream. */
public record CfgiCdAll(int sid) implements Command {
    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.CFGI_CD_ALL;
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
