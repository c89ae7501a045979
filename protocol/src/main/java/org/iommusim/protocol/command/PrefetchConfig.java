package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/** CMD_PREFETCH_CONFIG: a hint to fetch the STE (and CD) of a stream into the config cache. */
public record PrefetchConfig(int sid, boolean ssv, int ssid) implements Command {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code ssid} is outside 0..2^20-1 or non-zero while {@code ssv} is false
     */
    public PrefetchConfig {
        Fields.checkSsidWithSsv(ssv, ssid);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.PREFETCH_CONFIG;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Bits.put(ssv, Fields.SSV) | Fields.ssid(ssid) | Fields.sid(sid), 0);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).flag("ssv", ssv).hex("ssid", ssid).toString();
    }
}
