package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_CFGI_STE: drop the cached STE of one stream so a rewritten STE takes effect.
 *
 * @param leaf only the STE changed, not the CDs it points at
 */
public record CfgiSte(int sid, boolean leaf) implements Command {
    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.CFGI_STE;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Fields.sid(sid), Bits.put(leaf, 0));
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).flag("leaf", leaf).toString();
    }
}
