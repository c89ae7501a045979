package org.iommusim.protocol.command;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.iommusim.protocol.bits.Hex;

/** A 16-byte command-queue entry exactly as software writes it: two little-endian words. */
public record RawCommand(long dw0, long dw1) {
    public static final int BYTES = 16;

    public int opcode() {
        return (int) (dw0 & 0xFF);
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(dw0).putLong(dw1).array();
    }

    public static RawCommand fromBytes(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < BYTES) {
            throw new IllegalArgumentException("a command entry needs 16 bytes at offset " + offset
                    + ", only " + Math.max(0, bytes.length - offset) + " available");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        return new RawCommand(b.getLong(), b.getLong());
    }

    public String hex() {
        return Hex.word(dw0) + " " + Hex.word(dw1);
    }
}
