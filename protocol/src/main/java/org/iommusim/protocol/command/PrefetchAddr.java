package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_PREFETCH_ADDR: a hint to prefetch translations for 2^SIZE pages at ADDR.
 *
 * @param size log2 of the number of 4K pages (dw1[4:0])
 */
public record PrefetchAddr(int sid, boolean ssv, int ssid, int size, long addr) implements Command {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code ssid} is outside 0..2^20-1 or non-zero while {@code ssv} is
     *        false, {@code size} is outside 0..31, or {@code addr} has bits below 12 set
     */
    public PrefetchAddr {
        Fields.checkSsidWithSsv(ssv, ssid);
        Bits.requireRange("size", size, 0, 31);
        Fields.checkVa(addr);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.PREFETCH_ADDR;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Bits.put(ssv, Fields.SSV) | Fields.ssid(ssid) | Fields.sid(sid),
                Bits.put(size, 4, 0) | addr);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).flag("ssv", ssv).hex("ssid", ssid)
                .dec("size", size).hex("addr", addr).toString();
    }
}
