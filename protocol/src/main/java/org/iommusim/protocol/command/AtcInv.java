package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_ATC_INV: invalidate a PCIe device's own ATC (ATS translation cache).
 *
 * @param size log2 of the number of 4K pages at ADDR; 52 means everything
 */
public record AtcInv(int sid, boolean ssv, int ssid, boolean global, int size, long addr) implements Command {
    /** The {@code size} that invalidates every address of the stream (2^52 pages of 4K). */
    public static final int SIZE_ALL = 52;

    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code ssid} is outside 0..2^20-1 or non-zero while {@code ssv} is
     *        false, {@code size} is outside 0..{@link #SIZE_ALL}, or {@code addr} has bits below 12 set
     */
    public AtcInv {
        Fields.checkSsidWithSsv(ssv, ssid);
        if (size < 0 || size > SIZE_ALL) {
            throw new IllegalArgumentException("ATC_INV size=" + size + " is outside 0..52 (52 = everything)");
        }
        Fields.checkVa(addr);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.ATC_INV;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Bits.put(global, 9) | Bits.put(ssv, Fields.SSV) | Fields.ssid(ssid)
                | Fields.sid(sid), Bits.put(size, 5, 0) | addr);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).flag("ssv", ssv).hex("ssid", ssid)
                .flag("global", global).dec("size", size).hex("addr", addr).toString();
    }
}
