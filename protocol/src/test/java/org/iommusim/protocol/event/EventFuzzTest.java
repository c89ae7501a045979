package org.iommusim.protocol.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoding survives arbitrary queue memory, and whatever it accepts it reproduces exactly. */
class EventFuzzTest {
    private static final int ENTRIES = 100_000;
    private static final int[] CODES = Arrays.stream(EventId.values()).mapToInt(EventId::code).toArray();
    // Every defined dw1 field: STAG[15:0], STALL 31, PnU/InD/RnW 35:33, S2 39, CLASS 41:40.
    private static final long DW1_FIELDS = 0x0000_038E_8000_FFFFL;

    @Test
    void uniformRandomBytes() {
        byte[] queue = new byte[ENTRIES * RawEvent.BYTES];
        new Random(0x5EED_0001L).nextBytes(queue);
        int ok = decodeAll(queue);
        // Uniform bytes almost never form a valid event; the point is that nothing throws.
        assertTrue(ok >= 0);
    }

    @Test
    void randomBytesShapedLikeEvents() {
        // Uniform noise exercises only the first checks, so bias towards known
        // TYPEs, defined dw1 fields and sparse words to reach every rule.
        Random r = new Random(0x5EED_0002L);
        byte[] queue = new byte[ENTRIES * RawEvent.BYTES];
        for (int i = 0; i < ENTRIES; i++) {
            long dw0 = (sparse(r) & ~0x7ffL) | (r.nextBoolean() ? 0x800 : 0) | CODES[r.nextInt(CODES.length)];
            long dw1 = sparse(r) & (r.nextInt(8) == 0 ? -1L : DW1_FIELDS);
            long dw2 = sparse(r);
            long dw3 = sparse(r) & (r.nextInt(8) == 0 ? -1L : (1L << 52) - 1);
            if (r.nextInt(8) == 0) {
                dw0 |= 1L << (8 + r.nextInt(3));
            }
            System.arraycopy(new RawEvent(dw0, dw1, dw2, dw3).toBytes(), 0, queue, i * RawEvent.BYTES, RawEvent.BYTES);
        }
        int ok = decodeAll(queue);
        assertTrue(ok > ENTRIES / 50, "too few valid events generated to test re-encoding: " + ok);
    }

    /** Zero, dense or sparse, so that fields which must be zero often are. */
    private static long sparse(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> 0L;
            case 1 -> r.nextLong();
            default -> r.nextLong() & r.nextLong() & r.nextLong();
        };
    }

    private static int decodeAll(byte[] queue) {
        int ok = 0;
        for (int off = 0; off < queue.length; off += RawEvent.BYTES) {
            if (EventCodec.decode(queue, off) instanceof SmmuEvent e) {
                ok++;
                assertArrayEquals(Arrays.copyOfRange(queue, off, off + RawEvent.BYTES), e.encode().toBytes());
                e.toText();
            }
        }
        return ok;
    }
}
