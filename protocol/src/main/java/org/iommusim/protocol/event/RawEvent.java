package org.iommusim.protocol.event;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One 32-byte event queue record as four little-endian 64-bit words, with no
 * interpretation. Any four words are a valid {@code RawEvent}; meaning comes
 * from {@link EventCodec#decode(RawEvent)}.
 */
public record RawEvent(long dw0, long dw1, long dw2, long dw3) {
    /** Size of one event queue record in bytes. */
    public static final int BYTES = 32;

    /** The record as it sits in queue memory: dw0 first, each word little-endian. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(dw0).putLong(dw1).putLong(dw2).putLong(dw3)
                .array();
    }

    /**
     * Reads the record at {@code offset}; the array must hold 32 bytes from there
     * (a short array is the caller's bug, so this throws rather than guesses).
     */
    public static RawEvent fromBytes(byte[] b, int offset) {
        Objects.requireNonNull(b, "b");
        Objects.checkFromIndexSize(offset, BYTES, b.length);
        ByteBuffer bb = ByteBuffer.wrap(b, offset, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        return new RawEvent(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
    }
}
