package org.iommusim.protocol.command;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.iommusim.protocol.bits.Hex;

/** A 16-byte command-queue entry exactly as software writes it: two little-endian words. */
public record RawCommand(long dw0, long dw1) {
    /** Size of one command-queue entry, in bytes. */
    public static final int BYTES = 16;

    /**
     * The opcode field, whether or not it names a known command.
     * @return {@code dw0[7:0]}, 0..255
     */
    public int opcode() {
        return (int) (dw0 & 0xFF);
    }

    /**
     * The entry as it sits in memory.
     * @return a new 16-byte little-endian array
     */
    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(dw0).putLong(dw1).array();
    }

    /**
     * Reads one entry from memory.
     * @return the two words at {@code offset}
     * @throws IllegalArgumentException if fewer than 16 bytes are at {@code offset}, or it is negative
     */
    public static RawCommand fromBytes(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < BYTES) {
            throw new IllegalArgumentException("a command entry needs 16 bytes at offset " + offset
                    + ", only " + Math.max(0, bytes.length - offset) + " available");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        return new RawCommand(b.getLong(), b.getLong());
    }

    /**
     * Both words for a log line.
     * @return {@code 0x<dw0> 0x<dw1>}, 16 hex digits each
     */
    public String hex() {
        return Hex.word(dw0) + " " + Hex.word(dw1);
    }
}
