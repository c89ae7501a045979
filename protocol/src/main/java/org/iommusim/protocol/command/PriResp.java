package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/** CMD_PRI_RESP: respond to a PCIe page request group. */
public record PriResp(int sid, boolean ssv, int ssid, int grpid, PriResponse resp) implements Command {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code ssid} is outside 0..2^20-1 or non-zero while {@code ssv} is
     *        false, {@code grpid} is outside 0..511, or {@code resp} is null
     */
    public PriResp {
        Fields.checkSsidWithSsv(ssv, ssid);
        Bits.requireRange("grpid", grpid, 0, 0x1FF);
        if (resp == null) {
            throw new IllegalArgumentException("PRI_RESP needs a response");
        }
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.PRI_RESP;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Bits.put(ssv, Fields.SSV) | Fields.ssid(ssid) | Fields.sid(sid),
                Bits.put(grpid, 8, 0) | Bits.put(resp.ordinal(), 13, 12));
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).flag("ssv", ssv).hex("ssid", ssid)
                .hex("grpid", grpid).word("resp", resp.name()).toString();
    }
}
