package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/** CMD_CFGI_CD: drop the cached CD of one substream of a stream. */
public record CfgiCd(int sid, int ssid, boolean leaf) implements Command {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code ssid} is outside 0..2^20-1
     */
    public CfgiCd {
        Fields.checkSsid(ssid);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.CFGI_CD;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Fields.ssid(ssid) | Fields.sid(sid), Bits.put(leaf, 0));
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).hex("ssid", ssid)
                .flag("leaf", leaf).toString();
    }
}
